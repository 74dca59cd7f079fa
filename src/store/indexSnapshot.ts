// Loading the runs the store keeps in memory from an opened index, and writing them back as one snapshot row.
import type { Database } from 'sql.js';
import { num } from './chunkReader';
import { parseWithFloats, stringifyWithFloats } from './floats';
import type { StoredRun } from './indexDb';
import type { FileState, RunState } from './runState';
import type { SeriesMeta } from './seriesMeta';

/**
 * Writes what the store keeps in memory as one row, so the next open reads one value instead of scanning the
 * series table. Call right before export(): the row is only trusted as part of an exported image.
 */
export function writeSnapshot(db: Database, runs: Iterable<[string, StoredRun]>): void {
  const rows = [...runs].map(([id, r]) => [id, r.state, r.file, [...r.series]]);
  db.run("INSERT OR REPLACE INTO meta (key, value) VALUES ('snapshot', ?)", [stringifyWithFloats(rows)]);
}

/** The runs as the last persist left them, in one row; undefined when the image has no such row. */
export function loadSnapshot(db: Database): Map<string, StoredRun> | undefined {
  const text = db.exec("SELECT value FROM meta WHERE key = 'snapshot'")[0]?.values[0]?.[0];
  if (typeof text !== 'string') return undefined;
  // Older rows would be stale after any change: drop the row now that it is read.
  db.run("DELETE FROM meta WHERE key = 'snapshot'");
  const rows = parseWithFloats<Array<[string, RunState, FileState, Array<[string, SeriesMeta]>]>>(text);
  return new Map(rows.map(([id, state, file, series]) => [id, { state, file: reviveFile(file), series: new Map(series) }]));
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
    run.series.set(String(r[1]), {
      count: num(r[2]),
      last: num(r[3]),
      lastStep: num(r[4]),
      min: num(r[5]),
      max: num(r[6]),
      monotone: r[7] === 1,
      chunks: num(r[8]),
      tailN: num(r[9]),
      maxStep: num(r[10]),
    });
  }
  return runs;
}

function reviveFile(f: FileState): FileState {
  // JSON has no NaN: a file whose records had no time yet stored lastTs as null.
  return { ...f, lastTs: typeof f.lastTs === 'number' ? f.lastTs : NaN };
}
