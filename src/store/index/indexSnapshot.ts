// Loading the runs the store keeps in memory from an opened index, and writing them back as one snapshot row.
import type { Database } from 'sql.js';
import { num } from './chunkReader';
import { parseWithFloats, reviveFloats, stringifyWithFloats } from '../ingest/floats';
import type { StoredRun } from './indexDb';
import type { FileState, RunState } from '../ingest/runState';
import { makeMeta, type SeriesMeta } from './seriesMeta';

// A series' bookkeeping as a tuple: a thousand runs of ten series made the snapshot mostly repeated key names.
type PackedMeta = [string, number, number, number, number, number, 0 | 1, number, number, number, Array<[number, number]> | null];

function packMeta(key: string, m: SeriesMeta): PackedMeta {
  return [key, m.count, m.last, m.lastStep, m.min, m.max, m.monotone ? 1 : 0, m.chunks, m.tailN, m.maxStep, m.ovSpans ?? null];
}

function unpackMeta([key, count, last, lastStep, min, max, monotone, chunks, tailN, maxStep, ovSpans]: PackedMeta): [string, SeriesMeta] {
  return [key, makeMeta(count, last, lastStep, min, max, monotone === 1, chunks, tailN, maxStep, ovSpans ?? undefined)];
}

/**
 * Writes what the store keeps in memory as one row, so the next open reads one value instead of scanning the
 * series table. Call right before export(): the row is only trusted as part of an exported image.
 */
export function writeSnapshot(db: Database, runs: Iterable<[string, StoredRun]>): void {
  // One JSON text per run inside the array: loading revives NaN and ±Infinity only in the runs whose text has
  // any (walking every run's objects for them was a third of a warm start).
  const rows = [...runs].map(([id, r]) => stringifyWithFloats([id, r.state, r.file, [...r.series].map(([key, m]) => packMeta(key, m))]));
  db.run("INSERT OR REPLACE INTO meta (key, value) VALUES ('snapshot', ?)", [JSON.stringify(rows)]);
}

/** The runs as the last persist left them, in one row; undefined when the image has no such row. */
export function loadSnapshot(db: Database): Map<string, StoredRun> | undefined {
  const text = db.exec("SELECT value FROM meta WHERE key = 'snapshot'")[0]?.values[0]?.[0];
  if (typeof text !== 'string') return undefined;
  // The row stays: it is stale after the first change, but only an export can carry it out of this process, and
  // persist() rewrites it right before every export. Deleting 3 MB of overflow pages here cost a tenth of a warm start.
  const runs = new Map<string, StoredRun>();
  for (const row of JSON.parse(text) as string[]) {
    const parsed = JSON.parse(row) as [string, RunState, FileState, PackedMeta[]];
    const [id, state, file, series] = row.includes('"$float"') ? (reviveFloats(parsed) as typeof parsed) : parsed;
    runs.set(id, { state, file: reviveFile(file), series: new Map(series.map(unpackMeta)) });
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
