// Indexing one run: reads it through its source from where the last pass stopped (in this thread or on a parse
// worker) and commits each part, with the cursor it reached, in one transaction.
import type { Stats } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { IndexDb } from './indexDb';
import type { ParsePool } from '../ingest/parsePool';
import { errorText } from '../ingest/quietFs';
import { REPORT_DETAILS, type ParsedPart } from '../ingest/runParser';
import { newFileState, newRunState, type FileState, type RunState } from '../ingest/runState';
import type { CachedRun } from '../query/runSummary';
import { PointFileLost } from './pointFiles';
import { copyMeta, emptyMeta, type SeriesMeta } from './seriesMeta';
import { recordSpans, SealBuffer, type PlannedSeries, type SealScratch } from './seriesPlan';
import { CHUNK_POINTS } from './chunks';
import type { FoundRun, LogStat, RunReader, RunScan } from '../sources/runSource';
import { markSource } from '../sources/sources';
import type { Diagnostic, IndexReport } from '../types';
import { parseUserEdits, USER_FILE } from '../ingest/userEdits';

/** Tunables; tests lower them to reach rare paths with small logs. */
export const limits = {
  /** A run with this many unwritten points is checkpointed mid-file, so memory stays bounded on huge logs. */
  flushPoints: 1 << 20,
  /**
   * New log bytes in one pass from which parsing moves to worker threads, whose start costs about 150 ms. First
   * passes measured on 2 cores, this thread vs workers: 2.7 MB 218 vs 233 ms, 8 MB 462 vs 395 ms, 26 MB 809 vs
   * 526 ms. Past here the indexer's thread (the extension host's) also stays free.
   */
  workerBytes: 8 << 20,
  /**
   * New runs in one pass from which parsing moves to worker threads, however small: each run read in this thread
   * costs a few thread-pool round trips, which a worker reading synchronously does not pay (10,000 runs of 20
   * steps: 10 s here, 6.4 s on workers).
   */
  workerRuns: 500,
};

/** What indexing a run writes to: the database, the store's runs in memory, and its unsaved-changes flag. */
export interface IndexTarget {
  db: IndexDb;
  runs: Map<string, CachedRun>;
  /** Runs whose indexed points turned out unreadable: the next pass reindexes them from the start. */
  stale: Set<string>;
  markDirty(): void;
}

/** Points in a part from which its seal buffer is sized up front. */
const RESERVE_FROM = 1 << 14;

/** `afresh` reindexes the run from the start of its log whatever the index holds. */
export async function indexRun(target: IndexTarget, c: FoundRun, logStat: LogStat | RunScan, userStat: Stats | undefined, report: IndexReport, general: Diagnostic[], signal?: AbortSignal, pool?: ParsePool, afresh = false): Promise<void> {
  const { db, runs } = target;
  const cached = runs.get(c.id);
  const path = c.log;
  const sameRoot = cached !== undefined && cached.state.root === c.root;
  const fresh = (): RunState => {
    const s = newRunState(c.id, c.root, c.dir);
    markSource(s, c.source);
    return s;
  };
  let state: RunState = sameRoot ? structuredClone(cached.state) : fresh();
  let file: FileState = sameRoot ? { ...cached.file } : newFileState(path);
  let series = new Map<string, SeriesMeta>();
  if (sameRoot) for (const [k, m] of cached.series) series.set(k, copyMeta(m));
  let reset = !sameRoot || afresh || target.stale.delete(c.id);
  const passDetails: Array<{ line: number; reason: string }> = [];
  let passCount = 0;
  let committed = false;

  const reader: RunReader | undefined = await c.source.open(c, { stat: logStat, ...('files' in logStat ? { files: logStat.files, links: logStat.links } : {}), fromStart: reset, pool, sealTarget: () => db.files.sealTarget?.() }, general);
  if (reader === undefined) return;
  try {
    if (!reset && !(await reader.resumes(file))) {
      // Truncated or replaced: what we indexed no longer describes this file.
      reset = true;
    }
    if (reset) {
      state = fresh();
      file = newFileState(path);
      series = new Map();
    }
    await reader.stamp(file);
    if (c.editsDir !== undefined && c.editsDir !== c.dir) state.editsDir = c.editsDir;
    else delete state.editsDir;

    const userMtime = userStat?.mtimeMs ?? -1;
    if (file.userMtimeMs !== userMtime) {
      delete state.user;
      delete state.userProblem;
      if (userStat !== undefined) {
        try {
          const parsed = parseUserEdits(await readFile(join(c.editsDir ?? c.dir, USER_FILE), 'utf8'));
          if (parsed.edits !== undefined) state.user = parsed.edits;
          if (parsed.problem !== undefined) state.userProblem = parsed.problem;
        } catch (err) {
          state.userProblem = `cannot read user.json (${errorText(err)})`;
        }
      }
      file.userMtimeMs = userMtime;
    }

    // Commits one part: its sealed chunks go to the run's point file past the committed length first; then its
    // chunk rows, the state and the offset it reached, in one transaction that also commits the new length.
    // Lent to each commit's SealBuffer in turn and dropped with the run: a large log's parts are sealed into the
    // same buffers instead of each growing its own from 64 KiB.
    const scratch: SealScratch = { bodies: new Uint8Array(0), overviews: new Uint8Array(0), keep: Infinity };
    const commit = async (part: ParsedPart): Promise<void> => {
      const points = file.points;
      const nextState = part.state;
      const nextFile: FileState = { ...part.file, points };
      if (part.complete) {
        nextFile.size = logStat.size;
        nextFile.mtimeMs = logStat.mtimeMs;
      }
      let plans: PlannedSeries[] = [];
      let added = 0;
      if (part.sealed !== undefined) {
        plans = part.sealed.plans;
        if (part.sealed.points !== undefined) nextFile.points = part.sealed.points;
        for (const plan of plans) for (const row of plan.rows) added += row.c.n;
      } else {
        const seal = new SealBuffer(points?.bytes ?? 0, scratch);
        let n = 0;
        let chunks = 0;
        for (const col of part.columns) {
          // A series' inline tail is sealed again with its new points.
          const all = col.length + (series.get(col.key)?.tailN ?? 0);
          n += all;
          chunks += Math.ceil(all / CHUNK_POINTS);
        }
        // Small parts mostly stay inline (a chunk is sealed from SEAL_MIN points): room only for large ones.
        if (n >= RESERVE_FROM) seal.reserve(n, chunks);
        for (const col of part.columns) {
          if (col.length === 0) continue;
          plans.push(db.planAppend(c.id, col.key, copyMeta(series.get(col.key) ?? emptyMeta()), col, seal));
          added += col.length;
        }
        if (seal.length > 0) {
          const name = points?.name ?? db.files.newName();
          const [bodies, overviews] = seal.parts();
          await db.files.write(name, seal.base, bodies, overviews);
          nextFile.points = { name, bytes: seal.base + seal.length };
          recordSpans(plans);
        }
      }
      for (const plan of plans) if (!plan.meta.monotone) await db.resummarize(c.id, points?.name, plan);
      db.transaction(() => {
        if (reset) db.deleteRunData(c.id);
        for (const plan of plans) db.commitSeries(c.id, plan);
        if (part.media !== undefined) for (const row of part.media) db.writeMedia(c.id, row);
        db.writeRun(nextState, nextState.status ?? 'running', { params: true, tags: true, artifacts: true, problems: true });
        db.writeFile(c.id, nextFile);
      });
      state = nextState;
      file = nextFile;
      for (const plan of plans) series.set(plan.key, plan.meta);
      report.points += added;
      reset = false;
      committed = true;
      passCount += part.count;
      for (const d of part.details) if (passDetails.length < REPORT_DETAILS) passDetails.push(d);
      runs.set(c.id, { state: structuredClone(state), file: { ...file }, series: new Map([...series].map(([k, m]) => [k, copyMeta(m)])) });
      target.markDirty();
    };

    const stopped = () => signal?.aborted === true;
    try {
      await reader.read({ state, file, flushPoints: limits.flushPoints }, commit, stopped);
    } catch (err) {
      if (pool === undefined || pool.usable || err instanceof PointFileLost) throw err;
      // The worker died: what it sent is committed; finish this run here from where it stopped.
      await reader.close();
      return await indexRun(target, c, logStat, userStat, report, general, signal, undefined, afresh);
    }
    report.changedRuns.push(c.id);
    if (passCount > 0) {
      report.diagnostics.push({ file: path, line: passDetails[0].line, reason: passDetails[0].reason, count: passCount, lines: passDetails });
    }
  } catch (err) {
    if (err instanceof PointFileLost && !afresh) {
      // The point file was deleted or cut short under us: what the index says of this run cannot be trusted.
      general.push({ file: path, reason: `the run's indexed points were lost (${err.message}); reindexed from the log` });
      await reader.close();
      return await indexRun(target, c, logStat, userStat, report, general, signal, pool, true);
    }
    general.push({ file: path, reason: `indexing failed (${errorText(err)})` });
    if (committed && !report.changedRuns.includes(c.id)) report.changedRuns.push(c.id);
  } finally {
    await reader.close();
  }
}
