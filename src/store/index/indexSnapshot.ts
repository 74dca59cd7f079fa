// The runs the store keeps in memory, as the snapshot text persisted beside the index image (sealedFile.ts), and
// loading them from images of the first format: from their snapshot row, or from the tables.
import type { Database } from 'sql.js';
import { num } from './chunkReader';
import { parseWithFloats, reviveFloats, stringifyWithFloats } from '../ingest/floats';
import type { StoredRun } from './indexDb';
import type { FileState, RunState } from '../ingest/runState';
import { makeMeta, type SeriesMeta } from './seriesMeta';

// A series' bookkeeping as a tuple, as the snapshot row of the first format kept it.
type PackedMeta = [string, number, number, number, number, number, 0 | 1, number, number, number, Array<[number, number]> | null];

// Indexed, not destructured: array destructuring goes through the iterator protocol, slow until optimised.
function metasOf(packed: PackedMeta[]): Map<string, SeriesMeta> {
  const out = new Map<string, SeriesMeta>();
  for (let i = 0; i < packed.length; i++) {
    const p = packed[i];
    out.set(p[0], makeMeta(p[1], p[2], p[3], p[4], p[5], p[6] === 1, p[7], p[8], p[9], p[10] ?? undefined));
  }
  return out;
}

/** Bump when the snapshot's text changes shape: a file with another version is rebuilt from the logs. */
const SNAPSHOT_FORMAT = 1;

/**
 * A run's series as one flat array: per series its key, nine numbers (as PackedMeta), the number of overview
 * spans and each span's position and length. Three arrays per series were two thirds of the snapshot's objects,
 * and building objects (and collecting them young) is what loading the snapshot costs.
 */
function flatSeries(series: Map<string, SeriesMeta>): Array<string | number> {
  const out: Array<string | number> = [];
  for (const [key, m] of series) {
    const spans = m.ovSpans;
    out.push(key, m.count, m.last, m.lastStep, m.min, m.max, m.monotone ? 1 : 0, m.chunks, m.tailN, m.maxStep, spans === undefined ? -1 : spans.length);
    if (spans !== undefined) for (const [at, length] of spans) out.push(at, length);
  }
  return out;
}

function unflatSeries(flat: unknown[]): Map<string, SeriesMeta> {
  const out = new Map<string, SeriesMeta>();
  const n = (i: number): number => {
    const v = flat[i];
    if (typeof v !== 'number') throw new Error('the snapshot has a malformed series');
    return v;
  };
  for (let i = 0; i < flat.length; ) {
    const key = flat[i];
    if (typeof key !== 'string') throw new Error('the snapshot has a malformed series');
    const spanCount = n(i + 10);
    let spans: Array<[number, number]> | undefined;
    if (spanCount >= 0) {
      spans = new Array<[number, number]>(spanCount);
      for (let k = 0; k < spanCount; k++) spans[k] = [n(i + 11 + 2 * k), n(i + 12 + 2 * k)];
    }
    out.set(key, makeMeta(n(i + 1), n(i + 2), n(i + 3), n(i + 4), n(i + 5), n(i + 6) === 1, n(i + 7), n(i + 8), n(i + 9), spans));
    i += 11 + 2 * Math.max(0, spanCount);
  }
  return out;
}

/**
 * What the store keeps in memory, as text: a header line, then one JSON line per run (JSON.stringify never
 * writes a raw newline). Lines, not one array of JSON strings: that doubled every quote's escaping and made
 * loading unescape the whole text before parsing it again. Loading revives NaN and ±Infinity only in the lines
 * that have any (walking every run's objects for them was a third of a warm start).
 */
export function snapshotText(runs: ReadonlyMap<string, StoredRun>, schema: number): string {
  const lines = [JSON.stringify({ snapshot: SNAPSHOT_FORMAT, schema, runs: runs.size })];
  for (const [id, r] of runs) lines.push(stringifyWithFloats([id, r.state, r.file, flatSeries(r.series)]));
  return lines.join('\n');
}

/** The runs of a snapshot's text; throws, saying why, when it is not one this code wrote for this schema. */
export function parseSnapshot(text: string, schema: number): Map<string, StoredRun> {
  let end = text.indexOf('\n');
  if (end < 0) end = text.length;
  const header = JSON.parse(text.slice(0, end)) as { snapshot?: unknown; schema?: unknown; runs?: unknown } | null;
  if (header?.snapshot !== SNAPSHOT_FORMAT) throw new Error(`snapshot format ${String(header?.snapshot)}, expected ${SNAPSHOT_FORMAT}`);
  if (header.schema !== schema) throw new Error(`schema version ${String(header.schema)}, expected ${schema}`);
  const runs = new Map<string, StoredRun>();
  while (end < text.length) {
    const from = end + 1;
    end = text.indexOf('\n', from);
    if (end < 0) end = text.length;
    const line = text.slice(from, end);
    const parsed = JSON.parse(line) as unknown;
    const row = (line.includes('"$float"') ? reviveFloats(parsed) : parsed) as [string, RunState, FileState, unknown[]];
    if (!Array.isArray(row) || typeof row[0] !== 'string' || typeof row[1] !== 'object' || typeof row[2] !== 'object' || !Array.isArray(row[3])) {
      throw new Error('the snapshot has a malformed run');
    }
    runs.set(row[0], { state: row[1], file: reviveFile(row[2]), series: unflatSeries(row[3]) });
  }
  if (runs.size !== header.runs) throw new Error(`the snapshot holds ${runs.size} runs, its header says ${String(header.runs)}`);
  return runs;
}

/** The runs as an index of the first format persisted them, in one row; undefined when the image has no such row. */
export function loadSnapshotRow(db: Database): Map<string, StoredRun> | undefined {
  const text = db.exec("SELECT value FROM meta WHERE key = 'snapshot'")[0]?.values[0]?.[0];
  if (typeof text !== 'string') return undefined;
  const runs = new Map<string, StoredRun>();
  for (const row of JSON.parse(text) as string[]) {
    const parsed = JSON.parse(row) as [string, RunState, FileState, PackedMeta[]];
    const [id, state, file, series] = row.includes('"$float"') ? (reviveFloats(parsed) as typeof parsed) : parsed;
    runs.set(id, { state, file: reviveFile(file), series: metasOf(series) });
  }
  return runs;
}

/** The runs rebuilt from their rows, for an image persisted without a snapshot. */
export function loadAll(db: Database): Map<string, StoredRun> {
  const runs = new Map<string, StoredRun>();
  const files = new Map<string, FileState>();
  for (const row of db.exec('SELECT run, state FROM files')[0]?.values ?? []) {
    files.set(String(row[0]), JSON.parse(String(row[1])) as FileState);
  }
  for (const row of db.exec('SELECT id, state FROM runs')[0]?.values ?? []) {
    const id = String(row[0]);
    const file = files.get(id);
    if (file === undefined) continue;
    runs.set(id, { state: parseWithFloats<RunState>(String(row[1])), file: reviveFile(file), series: new Map() });
  }
  const rows = db.exec('SELECT run, key, count, last, last_step, min, max, monotone, chunks, tail_n, max_step FROM series')[0]?.values ?? [];
  for (const r of rows) {
    const run = runs.get(String(r[0]));
    if (run === undefined) continue;
    run.series.set(String(r[1]), makeMeta(num(r[2]), num(r[3]), num(r[4]), num(r[5]), num(r[6]), r[7] === 1, num(r[8]), num(r[9]), num(r[10]), undefined));
  }
  return runs;
}

function reviveFile(f: FileState): FileState {
  // JSON has no NaN: a file whose records had no time yet stored lastTs as null.
  return { ...f, lastTs: typeof f.lastTs === 'number' ? f.lastTs : NaN };
}
