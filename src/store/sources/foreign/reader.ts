// The RunReader every foreign source shares: each pass hands the format's read function a PartBuilder and the
// run's files as the pass listed them. Growing files are tailed from their own cursor; files read whole are read
// again only when they changed. A cursor that no longer fits (a tailed file shrank, vanished or was rewritten)
// reads the run again from the start.
import { join } from 'node:path';
import type { ParsePool } from '../../ingest/parsePool';
import type { ParsedPart } from '../../ingest/runParser';
import type { SealTarget } from '../../ingest/workerSeal';
import type { FileState, PartCursor } from '../../ingest/runState';
import type { FoundRun, ReadFrom, ReadPass, RunReader, ScannedFile } from '../runSource';
import { MAX_RECORD_BYTES, newPartCursor, partsResume, readWhole, tailBytes, tailLines, tailRaw, type ByteLines } from './files';
import { PartBuilder } from './partBuilder';

export interface ForeignRead {
  builder: PartBuilder;
  run: FoundRun;
  /** The run's regular files this pass listed (relative paths), by path. Nothing else may be opened. */
  files: ReadonlyMap<string, ScannedFile>;
  /** Whether the file differs from when it was last read (or was never read). */
  changed(rel: string): boolean;
  /** Whether any file accepted by `which` changed, appeared or went since the last read. */
  anyChanged(which: (rel: string) => boolean): boolean;
  /** The file's text when it is listed and not too large; problems are reported. Marks it read. */
  whole(rel: string): Promise<string | undefined>;
  /** Calls `line` for each new complete line of a growing file (from its own cursor). */
  tail(rel: string, line: (text: string, lineNo: number, offset: number) => void): Promise<void>;
  /**
   * Like `tail`, undecoded: complete lines batch by batch, for formats parsed at byte level. Parts are handed to
   * the store between batches of a large file. Problems (unreadable) are reported.
   */
  tailBytes(rel: string, batch: (lines: ByteLines) => void): Promise<void>;
  /**
   * For binary record formats: `consume(bytes, fileOffset)` gets the unread bytes from the file's cursor on and
   * returns how many it used (whole records); the rest is offered again with more bytes, or next pass. Parts are
   * handed to the store between chunks. A record over the cap stops the file with a problem.
   */
  tailRaw(rel: string, consume: (bytes: Buffer, offset: number) => number): Promise<void>;
  /** Records a file as seen without reading it (a restartOn file this read chose not to use). */
  mark(rel: string): void;
  /** The cursor of a tailed file (for what a reader carries, such as a CSV header). */
  cursor(rel: string): PartCursor;
  /** True when this read starts from nothing (a fresh or reset run). */
  fromStart: boolean;
  /**
   * Parse workers and a new point file to seal into, when this pass has workers and the run is read from the
   * start (a run the index holds nothing of): a format may then parse and seal its points on a worker and hand
   * the parts to `builder.sealedPart`. Undefined otherwise: read here.
   */
  workers(): Promise<{ pool: ParsePool; seal: SealTarget } | undefined>;
}

export type ReadFormat = (read: ForeignRead) => Promise<void>;

/**
 * `restartOn`: files rewritten whole whose change means reading the run again from the start (a JSON state the
 * tool rewrites, points and all), so no point is indexed twice.
 */
export function foreignReader(run: FoundRun, pass: ReadPass, format: ReadFormat, restartOn?: (rel: string) => boolean): RunReader {
  const files = new Map((pass.files ?? []).map((f) => [f.rel, f]));
  return {
    async resumes(cursor: FileState) {
      if (restartOn !== undefined) {
        const parts = cursor.parts ?? {};
        for (const [rel, f] of files) if (restartOn(rel) && (parts[rel]?.size !== f.size || parts[rel]?.mtimeMs !== f.mtimeMs)) return false;
        for (const rel of Object.keys(parts)) if (restartOn(rel) && !files.has(rel)) return false;
      }
      return partsResume(run.dir, cursor.parts, pass.files);
    },
    stamp: async (cursor: FileState) => {
      cursor.path = run.log;
    },
    async read(from: ReadFrom, commit: (part: ParsedPart) => Promise<void>, stopped: () => boolean): Promise<void> {
      const builder = new PartBuilder(from, commit, stopped);
      const fromStart = from.file.parts === undefined;
      // A copy: the store's cached cursor must not move before this read is committed.
      const parts = (from.file.parts = structuredClone(from.file.parts) ?? {});
      const same = (rel: string) => {
        const f = files.get(rel);
        const p = parts[rel];
        return f !== undefined && p !== undefined && p.size === f.size && p.mtimeMs === f.mtimeMs;
      };
      if (fromStart) for (const rel of pass.links ?? []) builder.problem(rel, undefined, 'is a symbolic link; not followed (nothing outside the run folder is read)');
      const read: ForeignRead = {
        builder,
        run,
        files,
        fromStart,
        changed: (rel) => !same(rel),
        anyChanged(which) {
          for (const rel of files.keys()) if (which(rel) && !same(rel)) return true;
          for (const rel of Object.keys(parts)) if (which(rel) && !files.has(rel)) return true;
          return false;
        },
        async whole(rel) {
          const f = files.get(rel);
          if (f === undefined) return undefined;
          const got = await readWhole(join(run.dir, rel), f.size);
          parts[rel] = { size: f.size, mtimeMs: f.mtimeMs, offset: -1, lines: 0, fingerprint: '' };
          if ('problem' in got) {
            builder.problem(rel, undefined, got.problem);
            return undefined;
          }
          return got.text;
        },
        async tail(rel, line) {
          const f = files.get(rel);
          if (f === undefined) return;
          const cursor = (parts[rel] ??= newPartCursor());
          try {
            await tailLines(join(run.dir, rel), cursor, f.size, line, (lineNo) => builder.problem(rel, lineNo, 'line too long; skipped'));
          } catch (err) {
            builder.problem(rel, undefined, `cannot read (${err instanceof Error ? err.message : String(err)})`);
          }
          cursor.size = f.size;
          cursor.mtimeMs = f.mtimeMs;
        },
        async tailBytes(rel, batch) {
          const f = files.get(rel);
          if (f === undefined) return;
          const cursor = (parts[rel] ??= newPartCursor());
          try {
            await tailBytes(join(run.dir, rel), cursor, f.size, batch, () => builder.flush());
          } catch (err) {
            builder.problem(rel, undefined, `cannot read (${err instanceof Error ? err.message : String(err)})`);
          }
          // A file left midway by a stop keeps its old size: the next pass sees it changed and reads on.
          if (stopped()) return;
          cursor.size = f.size;
          cursor.mtimeMs = f.mtimeMs;
        },
        async tailRaw(rel, consume) {
          const f = files.get(rel);
          if (f === undefined) return;
          const cursor = (parts[rel] ??= newPartCursor());
          try {
            const whole = await tailRaw(join(run.dir, rel), cursor, f.size, consume, () => builder.flush());
            if (!whole) builder.problem(rel, undefined, `a record longer than ${MAX_RECORD_BYTES >> 20} MB; reading stopped here`, cursor.offset);
          } catch (err) {
            builder.problem(rel, undefined, `cannot read (${err instanceof Error ? err.message : String(err)})`);
          }
          if (stopped()) return;
          cursor.size = f.size;
          cursor.mtimeMs = f.mtimeMs;
        },
        mark(rel) {
          const f = files.get(rel);
          if (f !== undefined) parts[rel] = { size: f.size, mtimeMs: f.mtimeMs, offset: -1, lines: 0, fingerprint: '' };
        },
        cursor: (rel) => (parts[rel] ??= newPartCursor()),
        async workers() {
          const pool = pass.pool;
          if (!fromStart || !pass.fromStart || pool === undefined || !pool.usable) return undefined;
          const seal = await pass.sealTarget();
          return seal === undefined ? undefined : { pool, seal };
        },
      };
      // Forget files that went (a tailed one going resets the run before this, see partsResume).
      for (const rel of Object.keys(parts)) if (!files.has(rel)) delete parts[rel];
      await format(read);
      await builder.finish();
    },
    close: async () => undefined,
  };
}
