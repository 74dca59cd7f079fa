// Reading a distributed run: rank 0's log through the ordinary reader, then each other rank's segment from its
// own cursor (FileState.segments), into its own state (RunState.segments). Everything is committed as parts of
// the one run, so the index holds one run per job; each segment is read only when its size moved.
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { errorText } from '../../ingest/quietFs';
import { parseRun, type Columns, type ParsedPart } from '../../ingest/runParser';
import { MAX_PROBLEM_DETAILS, newFileState, newRunState, type FileState, type RunState } from '../../ingest/runState';
import type { ParsePool } from '../../ingest/parsePool';
import { stillPrinted } from '../../ingest/fingerprint';
import { fingerprintOf, headOf } from '../../ingest/tailer';
import type { FoundRun, ReadFrom, RunReader, ScannedFile } from '../runSource';
import { LOG_FILE } from './discovery';
import { segmentRank } from './segments';

/** Series names may hold a host name from the log: keep it one path segment. */
const hostKey = (host: string) => host.replace(/[/\s]+/g, '_');

/**
 * Where a rank's series go: its metrics under `rank<N>/<key>`; its system metrics under `system/<host>/<key>`
 * when it is its host's first rank and that host is not rank 0's (whose are `system/<key>`, as in a
 * single-process run), else under `rank<N>/system/<key>`.
 */
export function rankKey(key: string, rank: number, seg: RunState, rank0Host: string | undefined): string {
  if (!key.startsWith('system/')) return `rank${rank}/${key}`;
  const host = seg.rank?.host;
  if (host !== undefined && seg.rank?.localRank === 0 && host !== rank0Host) return `system/${hostKey(host)}/${key.slice(7)}`;
  return `rank${rank}/${key}`;
}

export class SegmentsReader implements RunReader {
  private readonly segments: ScannedFile[];

  /** `main`: rank 0's log reader, when rank 0's log exists (a rank may write before rank 0 does). */
  constructor(
    private readonly run: FoundRun,
    private readonly files: ScannedFile[],
    private readonly main: RunReader | undefined,
    private readonly pool: ParsePool | undefined,
  ) {
    this.segments = files.filter((f) => f.rel !== LOG_FILE);
  }

  async resumes(cursor: FileState): Promise<boolean> {
    if (this.main !== undefined && !(await this.main.resumes(cursor))) return false;
    // A segment cut short or replaced would repeat its points: read the whole run again instead.
    for (const f of this.segments) {
      const at = cursor.segments?.[f.rel];
      if (at === undefined || at.offset === 0) continue;
      if (f.size < at.offset) return false;
      if (f.size === at.size) continue;
      const { head, got } = await this.headOf(f.rel);
      if (!stillPrinted(at.fingerprint, head, got)) return false;
    }
    return true;
  }

  /** A segment's first bytes now; none when it cannot be read (so no cursor but an empty one fits). */
  private async headOf(rel: string): Promise<{ head: Buffer; got: number }> {
    try {
      const h = await open(join(this.run.dir, rel), 'r');
      try {
        return await headOf(h);
      } finally {
        await h.close();
      }
    } catch {
      return { head: Buffer.alloc(0), got: 0 };
    }
  }

  async stamp(cursor: FileState): Promise<void> {
    if (this.main !== undefined) await this.main.stamp(cursor);
    else cursor.path = this.run.log;
  }

  async read(from: ReadFrom, commit: (part: ParsedPart) => Promise<void>, stopped: () => boolean): Promise<void> {
    const todo = this.segments.filter((f) => (from.file.segments?.[f.rel]?.size ?? -1) !== f.size);
    const mtimes: Record<string, number> = {};
    for (const f of this.files) mtimes[f.rel] = f.mtimeMs;
    let state = from.state;
    let file: FileState = { ...from.file, mtimes };
    // Every part is committed as not complete; one empty part at the end says the run was read to its summed size.
    if (this.main !== undefined) {
      await this.main.read({ ...from, file }, async (part) => {
        state = part.state;
        file = { ...part.file, mtimes };
        await commit({ ...part, file, complete: false });
      }, stopped);
    }
    // Segments are parsed side by side on the parse workers when the pass has them (a job of 64 ranks is 64 logs),
    // and committed one part at a time, each over the state the part before it left.
    let chain = Promise.resolve();
    const commitPart = (f: ScannedFile, rank: number, part: ParsedPart): Promise<void> =>
      (chain = chain.then(async () => {
        const columns: Columns[] = part.columns.map((c) => ({ ...c, key: rankKey(c.key, rank, part.state, state.rank?.host) }));
        const cursor: FileState = { ...part.file, ...(part.done ? { size: f.size, mtimeMs: f.mtimeMs } : {}) };
        state = { ...state, segments: { ...state.segments, [f.rel]: part.state } };
        file = { ...file, segments: { ...file.segments, [f.rel]: cursor } };
        const details = part.details.map((d) => ({ line: d.line, reason: `${f.rel}: ${d.reason}` }));
        await commit({ ...part, state, file, columns, details, complete: false });
      }));
    const pool = this.pool?.usable === true ? this.pool : undefined;
    const queue = [...todo];
    const lane = async (): Promise<void> => {
      for (let f = queue.shift(); f !== undefined && !stopped(); f = queue.shift()) await this.readSegment(f, from, state, commitPart, stopped, pool);
    };
    await Promise.all(Array.from({ length: pool === undefined ? 1 : Math.max(1, pool.capacity) }, lane));
    await chain;
    await commit({ state, file, columns: [], count: 0, details: [], done: true, complete: !stopped() && queue.length === 0 });
  }

  private async readSegment(f: ScannedFile, from: ReadFrom, state: RunState, commitPart: (f: ScannedFile, rank: number, part: ParsedPart) => Promise<void>, stopped: () => boolean, pool: ParsePool | undefined): Promise<void> {
    const rank = segmentRank(f.rel) ?? -1;
    const path = join(this.run.dir, f.rel);
    const segFile = from.file.segments?.[f.rel] ?? newFileState(path);
    const segState = state.segments?.[f.rel] ?? newRunState(this.run.id, this.run.root, this.run.dir);
    let handle;
    try {
      handle = await open(path, 'r');
    } catch (err) {
      // Gone between the stat and now: said once, and the next pass sees it, or not.
      segState.problems.count++;
      if (segState.problems.first.length < MAX_PROBLEM_DETAILS) segState.problems.first.push({ line: 0, reason: `cannot read (${errorText(err)})` });
      return;
    }
    try {
      if (segFile.offset === 0) segFile.fingerprint = await fingerprintOf(handle);
      const job = { end: f.size, state: segState, file: segFile, flushPoints: from.flushPoints };
      if (pool !== undefined) {
        await handle.close();
        handle = undefined;
        await pool.run(path, job, async (part) => {
          await commitPart(f, rank, part);
          return !stopped();
        });
      } else {
        for await (const part of parseRun(handle, job, stopped)) await commitPart(f, rank, part);
      }
    } finally {
      await handle?.close().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    await this.main?.close();
  }
}
