// The sql.js database behind the store: opening (or rebuilding) it, loading it into memory, and the writes a
// checkpoint makes. Every write for one run happens synchronously inside one transaction, so no query ever
// sees a run half-written and offsets always commit with the data read up to them.
import type { Database, SqlJsStatic, SqlValue, Statement } from 'sql.js';
import type { SqlRuntime } from './sqlite';
import { CHUNK_POINTS, encodeChunk } from './chunks';
import { ChunkReader, type ChunkFilter, type LazySeries } from './chunkReader';
import { loadAll, loadSnapshot, writeSnapshot } from './indexSnapshot';
import type { FileState, RunState } from './runState';
import { writeRunRows, type RunParts } from './runRows';
import { SCHEMA, SCHEMA_VERSION } from './schema';
import { ColumnBuffer } from './seriesBuffer';
import { dedupeSteps, foldPoints, summaryFrom, type SeriesMeta } from './seriesMeta';
import { openImage, SLACK_BYTES } from './sqlImage';

export interface StoredRun {
  state: RunState;
  file: FileState;
  series: Map<string, SeriesMeta>;
}

/** Parallel columns; only the first `length` entries count. */
export interface PointColumns {
  steps: Float64Array;
  times: Float64Array;
  values: Float64Array;
  length: number;
}

export class IndexDb {
  private readonly statements = new Map<string, Statement>();
  /** Bytes of room in the in-memory file (see openImage). */
  private capacity: number;

  private readonly SQL: SqlJsStatic;
  private readonly reader: ChunkReader;

  private constructor(
    runtime: SqlRuntime,
    public db: Database,
    capacity: number,
  ) {
    this.SQL = runtime.SQL;
    this.reader = new ChunkReader(runtime.blobs, (sql) => this.stmt(sql));
    this.capacity = capacity;
  }

  /** Bytes the index uses now. */
  size(): number {
    const r = this.db.exec('PRAGMA page_count; PRAGMA page_size');
    return Number(r[0]?.values[0]?.[0] ?? 0) * Number(r[1]?.values[0]?.[0] ?? 0);
  }

  /** Makes room for about `extra` more bytes before a large pass, so the file does not grow by small steps. */
  reserve(extra: number): void {
    const used = this.size();
    if (used + extra <= this.capacity) return;
    const image = this.db.export();
    this.dropStatements();
    this.db.close();
    this.capacity = used + extra + SLACK_BYTES;
    this.db = openImage(this.SQL, image, this.capacity);
    this.db.exec(SCHEMA);
  }

  private dropStatements(): void {
    for (const st of this.statements.values()) st.free();
    this.statements.clear();
  }

  /**
   * Opens persisted bytes, or a fresh database when there are none or they are unusable. `rebuilt` says why
   * a persisted index was dropped.
   */
  /** `bytes` may be longer than the image (zeros after it): room to grow without copying, see openImage. */
  static open(runtime: SqlRuntime, bytes: Uint8Array | undefined): { db: IndexDb; runs: Map<string, StoredRun>; rebuilt?: string } {
    const SQL = runtime.SQL;
    if (bytes !== undefined) {
      let db: Database | undefined;
      try {
        const capacity = Math.max(bytes.length, SLACK_BYTES);
        db = openImage(SQL, bytes, capacity, true);
        const version = db.exec("SELECT value FROM meta WHERE key = 'schema'")[0]?.values[0]?.[0];
        if (String(version) !== String(SCHEMA_VERSION)) throw new Error(`schema version ${String(version)}, expected ${SCHEMA_VERSION}`);
        const index = new IndexDb(runtime, db, capacity);
        index.db.exec(SCHEMA);
        return { db: index, runs: loadSnapshot(index.db) ?? loadAll(index.db) };
      } catch (err) {
        try {
          db?.close();
        } catch {
          // a database that failed to open may also fail to close; it is dropped either way
        }
        const fresh = IndexDb.fresh(runtime);
        return { db: fresh, runs: new Map(), rebuilt: err instanceof Error ? err.message : String(err) };
      }
    }
    return { db: IndexDb.fresh(runtime), runs: new Map() };
  }

  private static fresh(runtime: SqlRuntime): IndexDb {
    const db = openImage(runtime.SQL, undefined, SLACK_BYTES);
    db.exec(SCHEMA);
    return new IndexDb(runtime, db, SLACK_BYTES);
  }

  /**
   * Writes what the store keeps in memory as one row, so the next open reads one value instead of scanning the
   * series table. Call right before export(): the row is only trusted as part of an exported image.
   */
  writeSnapshot(runs: Iterable<[string, StoredRun]>): void {
    writeSnapshot(this.db, runs);
  }

  private stmt(sql: string): Statement {
    let s = this.statements.get(sql);
    if (s === undefined) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  private run(sql: string, params: SqlValue[]): void {
    const s = this.stmt(sql);
    s.run(params);
  }

  /** Runs `fn` in a transaction; rolls back and rethrows if it throws. */
  transaction<T>(fn: () => T): T {
    this.db.exec('BEGIN');
    try {
      const result = fn();
      this.db.exec('COMMIT');
      return result;
    } catch (err) {
      this.db.exec('ROLLBACK');
      throw err;
    }
  }

  deleteRun(id: string): void {
    for (const table of ['runs', 'files']) this.run(`DELETE FROM ${table} WHERE ${table === 'runs' ? 'id' : 'run'} = ?`, [id]);
    this.deleteRunData(id);
  }

  /** Everything read from a run's log (not the run row itself). */
  deleteRunData(id: string): void {
    for (const table of ['params', 'tags', 'artifacts', 'series', 'chunks', 'diagnostics']) this.run(`DELETE FROM ${table} WHERE run = ?`, [id]);
  }

  writeRun(state: RunState, status: string, what: RunParts): void {
    writeRunRows((sql, params) => this.run(sql, params), state, status, what);
  }

  writeFile(id: string, file: FileState): void {
    this.run('INSERT OR REPLACE INTO files (run, state) VALUES (?, ?)', [id, JSON.stringify(file)]);
  }

  /** Appends points to a series: reopens its partly filled last chunk, writes full chunks, updates the summary. */
  appendSeries(run: string, key: string, meta: SeriesMeta, buf: PointColumns): void {
    foldPoints(meta, buf.steps, buf.values, buf.length);
    let cols: PointColumns = buf;
    let seq = meta.chunks;
    if (meta.lastChunkN > 0 && meta.lastChunkN < CHUNK_POINTS) {
      seq = meta.chunks - 1;
      const last = this.readChunks(run, key, meta.lastChunkN, { seq });
      const joined = new ColumnBuffer(last.steps.length + buf.length);
      joined.pushAll(last.steps, last.times, last.values, last.steps.length);
      joined.pushAll(buf.steps, buf.times, buf.values, buf.length);
      cols = joined;
    }
    let lastN = 0;
    for (let from = 0; from < cols.length; from += CHUNK_POINTS) {
      const to = Math.min(from + CHUNK_POINTS, cols.length);
      const c = encodeChunk(cols.steps, cols.times, cols.values, from, to);
      this.run(
        'INSERT OR REPLACE INTO chunks (run, key, seq, n, step0, stride, steps, t0, times, vals, step_min, step_max, time_min, time_max) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [run, key, seq++, c.n, c.step0, c.stride, c.steps, c.t0, c.times, c.values, c.stepMin, c.stepMax, c.timeMin, c.timeMax],
      );
      lastN = c.n;
    }
    if (cols.length > 0) {
      meta.chunks = seq;
      meta.lastChunkN = lastN;
    }
    if (!meta.monotone) {
      const all = this.readChunks(run, key, meta.chunks * CHUNK_POINTS, {});
      const d = dedupeSteps(all.steps, all.times, all.values);
      summaryFrom(meta, d.steps, d.values, d.steps.length);
    }
    this.run(
      'INSERT OR REPLACE INTO series (run, key, count, last, last_step, min, max, monotone, chunks, last_chunk_n, max_step) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [run, key, meta.count, meta.last, meta.lastStep, meta.min, meta.max, meta.monotone ? 1 : 0, meta.chunks, meta.lastChunkN, meta.maxStep],
    );
  }

  /** The stored points of one series in append order (see ChunkReader.readChunks). */
  readChunks(run: string, key: string, capacity: number, filter: ChunkFilter & { seq?: number }): { steps: Float64Array; times: Float64Array; values: Float64Array } {
    return this.reader.readChunks(run, key, capacity, filter);
  }

  /** See ChunkReader.readValues: the columns are scratch, reused by the next call. */
  readValues(run: string, key: string, capacity: number): LazySeries | undefined {
    return this.reader.readValues(run, key, capacity);
  }

  export(): Uint8Array {
    return this.db.export();
  }

  close(): void {
    this.dropStatements();
    this.db.close();
  }
}
