// A distributed run's files: rank 0 writes `events.jsonl`, rank N `events.rank-<N>.jsonl`, each file one writer
// (docs/log-format.md, "Distributed runs"). A pass stats them all, as it stats a single log; the folder is listed
// only when its own mtime moved (a segment appeared or went), so a quiet job costs a stat per file.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { errorText, statOrError } from '../../ingest/quietFs';
import type { RunState } from '../../ingest/runState';
import type { FoundRun, LogStat, RunScan, ScannedFile } from '../runSource';
import { LOG_FILE } from './discovery';

const SEGMENT = /^events\.rank-([1-9][0-9]{0,6})\.jsonl$/;

/** The rank a segment's file name gives it (0 for the main log), or undefined for any other file. */
export function segmentRank(name: string): number | undefined {
  if (name === LOG_FILE) return 0;
  const m = SEGMENT.exec(name);
  return m === null ? undefined : Number(m[1]);
}

/** Folder listings by path, kept while the folder's mtime says nothing was added or removed. */
const listings = new Map<string, { mtimeMs: number; names: string[] }>();
const MAX_LISTINGS = 50_000;

/**
 * Whether a run may have segments besides its log: unknown yet, a rank of a job, or known to have some. A
 * single-process run read once is not listed again (its folder never gains a segment), so warm passes over many
 * ordinary runs cost what they did.
 */
export function mayHaveSegments(state: RunState | undefined): boolean {
  return state === undefined || !state.hasStart || state.rank !== undefined || state.segments !== undefined;
}

/** What the pass made of a run before segments: its log's stat, or why it cannot be had. */
function logStat(run: FoundRun): LogStat | string | undefined {
  const s = statOrError(run.log);
  return s === undefined || typeof s === 'string' || s.isFile() ? s : undefined;
}

/** Every log file of the run and their stats (sizes summed, the newest mtime); undefined when none is there. */
export function statSegments(run: FoundRun): LogStat | RunScan | string | undefined {
  const dir = statOrError(run.dir);
  if (dir === undefined || typeof dir === 'string' || !dir.isDirectory()) return logStat(run);
  let listing = listings.get(run.dir);
  if (listing === undefined || listing.mtimeMs !== dir.mtimeMs) {
    let names: string[];
    try {
      names = readdirSync(run.dir).filter((n) => segmentRank(n) !== undefined);
    } catch (err) {
      return errorText(err);
    }
    if (listings.size >= MAX_LISTINGS) listings.clear();
    listing = { mtimeMs: dir.mtimeMs, names };
    listings.set(run.dir, listing);
  }
  const files: ScannedFile[] = [];
  let size = 0;
  let mtimeMs = 0;
  for (const rel of listing.names) {
    const s = statOrError(join(run.dir, rel));
    // An unreadable file (a symlink loop) is the run's diagnostic, as an unreadable single log is.
    if (typeof s === 'string') return s;
    if (s === undefined || !s.isFile()) continue;
    files.push({ rel, size: s.size, mtimeMs: s.mtimeMs });
    size += s.size;
    mtimeMs = Math.max(mtimeMs, s.mtimeMs);
  }
  if (files.length === 0) return undefined;
  // A lone main log is an ordinary run: the pass sees its own stat, exactly as before segments existed.
  if (files.length === 1 && files[0].rel === LOG_FILE) return { size, mtimeMs };
  files.sort((a, b) => (segmentRank(a.rel) ?? 0) - (segmentRank(b.rel) ?? 0));
  return { size, mtimeMs, files };
}
