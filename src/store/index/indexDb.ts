// The sql.js database behind the store: opening (or rebuilding) it, loading it into memory, and the writes a
// checkpoint makes. Every write for one run happens synchronously inside one transaction, so no query ever
// sees a run half-written and offsets always commit with the data read up to them.
import type { Database, SqlValue, Statement } from 'sql.js';
import type { SqlRuntime } from './sqlite';
import type { ChunkData } from './chunks';
import { ChunkReader, columnsOf, type ChunkFilter } from './chunkReader';
import { loadAll, loadSnapshotRow, parseSnapshot, snapshotText } from './indexSnapshot';
import type { FileState, RunState } from '../ingest/runState';
import { writeRunRows, type RunParts } from './runRows';
import { stringifyWithFloats } from '../ingest/floats';
import type { MediaRow } from '../ingest/mediaRecord';
import { SCHEMA, SCHEMA_VERSION } from './schema';
import { ColumnBuffer } from '../ingest/seriesBuffer';
import { dedupeSteps, foldPoints, summaryFrom, type SeriesMeta } from './seriesMeta';
import { planChunks, type PlannedSeries, type PointColumns, type SealBuffer } from './seriesPlan';
import { openImage, SLACK_BYTES } from './sqlImage';
import type { ChunkOverview } from './overview';
import type { PointFiles, ReadScratch } from './pointFiles';

/**
 * Room for a new index to grow into (zeros the system maps only once written). Grown from 2 MB, sql.js's file
 * copied itself a dozen times while a cold index of 1,000 runs (12 MB) committed: most of that commit.
 */
const FRESH_ROOM = 64 << 20;


export interface StoredRun {
  state: RunState;
  file: FileState;
  series: Map<string, SeriesMeta>;
}

export class IndexDb {
  private readonly statements = new Map<string, Statement>();
  private readonly reader: ChunkReader;

  private constructor(
    public db: Database,
    readonly files: PointFiles,
    /**
     * In an index created empty, the runs written to it since: any other run has no rows, so its first commit
     * needs no DELETE (ten statements per new run). Undefined in an index loaded from a file.
     */
    private readonly written?: Set<string>,
  ) {
    this.reader = new ChunkReader((sql) => this.stmt(sql), files);
  }

  private dropStatements(): void {
    for (const st of this.statements.values()) st.free();
    this.statements.clear();
  }

  /**
   * Opens persisted bytes, or a fresh database when there are none or they are unusable. `rebuilt` says why
   * a persisted index was dropped.
   */
  /**
   * `bytes` may be longer than the image (zeros after it): room to grow without copying, see openImage.
   * `snapshot`: the runs' text persisted beside the image (files of the first format keep it inside, or not at all).
   */
  static open(runtime: SqlRuntime, bytes: Uint8Array | undefined, files: PointFiles, snapshot?: string): { db: IndexDb; runs: Map<string, StoredRun>; rebuilt?: string } {
    const SQL = runtime.SQL;
    if (bytes !== undefined) {
      let db: Database | undefined;
      try {
        const capacity = Math.max(bytes.length, SLACK_BYTES);
        db = openImage(SQL, bytes, capacity, true);
        const version = db.exec("SELECT value FROM meta WHERE key = 'schema'")[0]?.values[0]?.[0];
        if (String(version) !== String(SCHEMA_VERSION)) throw new Error(`schema version ${String(version)}, expected ${SCHEMA_VERSION}`);
        const index = new IndexDb(db, files);
        index.db.exec(SCHEMA);
        return { db: index, runs: snapshot !== undefined ? parseSnapshot(snapshot, SCHEMA_VERSION) : (loadSnapshotRow(index.db) ?? loadAll(index.db)) };
      } catch (err) {
        try {
          db?.close();
        } catch {
          // a database that failed to open may also fail to close; it is dropped either way
        }
        const fresh = IndexDb.fresh(runtime, files);
        return { db: fresh, runs: new Map(), rebuilt: err instanceof Error ? err.message : String(err) };
      }
    }
    return { db: IndexDb.fresh(runtime, files), runs: new Map() };
  }

  /**
   * Opens persisted bytes whose runs were loaded from the snapshot beside them; throws, saying why, when they
   * cannot be used.
   */
  static openImage(runtime: SqlRuntime, bytes: Uint8Array, files: PointFiles): IndexDb {
    const db = openImage(runtime.SQL, bytes, Math.max(bytes.length, SLACK_BYTES), true);
    try {
      const version = db.exec("SELECT value FROM meta WHERE key = 'schema'")[0]?.values[0]?.[0];
      if (String(version) !== String(SCHEMA_VERSION)) throw new Error(`schema version ${String(version)}, expected ${SCHEMA_VERSION}`);
      db.exec(SCHEMA);
    } catch (err) {
      try {
        db.close();
      } catch {
        // a database that failed to open may also fail to close; it is dropped either way
      }
      throw err;
    }
    return new IndexDb(db, files);
  }

  static fresh(runtime: SqlRuntime, files: PointFiles): IndexDb {
    const db = openImage(runtime.SQL, undefined, FRESH_ROOM);
    db.exec(SCHEMA);
    return new IndexDb(db, files, new Set());
  }

  /**
   * The image and, to persist beside it, the runs as the store keeps them in memory: the next open reads them
   * from that text instead of scanning the tables.
   */
  exportWith(runs: ReadonlyMap<string, StoredRun>): { image: Uint8Array; snapshot: Uint8Array } {
    // The snapshot row an index of the first format kept is stale from the first change on; dropped now that its
    // text lives beside the image (a lookup by key when there is none).
    this.db.run("DELETE FROM meta WHERE key = 'snapshot'");
    return { image: this.db.export(), snapshot: Buffer.from(snapshotText(runs, SCHEMA_VERSION), 'utf8') };
  }

  /** A prepared statement, kept for the next call with the same text. */
  statement(sql: string): Statement {
    return this.stmt(sql);
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
    // A savepoint: its own transaction outside a pass, a nested one inside (see pass()).
    this.db.exec('SAVEPOINT part');
    try {
      const result = fn();
      this.db.exec('RELEASE part');
      return result;
    } catch (err) {
      this.db.exec('ROLLBACK TO part; RELEASE part');
      throw err;
    }
  }

  /**
   * Runs an index pass inside one transaction; each run's commit is a savepoint in it, atomic as before. Every
   * COMMIT writes its dirty pages into sql.js's in-memory file through JavaScript: once per run, that was the
   * indexer thread's largest cost in a cold index, and the thread competes with the parse workers for cores.
   */
  async pass<T>(fn: () => Promise<T>): Promise<T> {
    this.db.exec('BEGIN');
    try {
      return await fn();
    } finally {
      // What was committed by savepoints stays: a pass that failed midway keeps the runs it finished.
      this.db.exec('COMMIT');
    }
  }

  /** For a pass that began before the database was opened (see LazyIndex). */
  begin(): void {
    this.db.exec('BEGIN');
  }

  commit(): void {
    this.db.exec('COMMIT');
  }

  deleteRun(id: string): void {
    for (const table of ['runs', 'files']) this.run(`DELETE FROM ${table} WHERE ${table === 'runs' ? 'id' : 'run'} = ?`, [id]);
    this.deleteRunData(id);
  }

  /** Everything read from a run's log (not the run row itself). */
  deleteRunData(id: string): void {
    if (!this.mayHaveRows(id)) return;
    for (const table of ['params', 'tags', 'artifacts', 'series', 'chunks', 'media', 'diagnostics']) this.run(`DELETE FROM ${table} WHERE run = ?`, [id]);
  }

  writeRun(state: RunState, status: string, what: RunParts): void {
    writeRunRows((sql, params) => this.run(sql, params), state, status, what, this.mayHaveRows(state.id));
    // Noted even if the transaction is rolled back after: a DELETE too many is harmless, one too few is not.
    this.written?.add(state.id);
  }

  private mayHaveRows(id: string): boolean {
    return this.written === undefined || this.written.has(id);
  }

  /** One media record's row; call inside the transaction that commits the part it was read in. */
  writeMedia(run: string, row: MediaRow): void {
    this.run('INSERT OR REPLACE INTO media (run, key, step, kind, data) VALUES (?, ?, ?, ?, ?)', [run, row.key, row.step, row.kind, stringifyWithFloats(row.data)]);
  }

  /** Runs a read-only query through a cached statement: one row per call of `each`. */
  query(sql: string, params: SqlValue[], each: (row: SqlValue[]) => void): void {
    const st = this.stmt(sql);
    try {
      st.bind(params);
      while (st.step()) each(st.get());
    } finally {
      st.reset();
    }
  }

  writeFile(id: string, file: FileState): void {
    this.run('INSERT OR REPLACE INTO files (run, state) VALUES (?, ?)', [id, JSON.stringify(file)]);
  }

  /**
   * Plans appending points to a series, before anything is written: merges them with the series' inline tail,
   * encodes chunks, lays the ones to seal into `seal` and updates `meta` (a copy the caller commits). Chunks are
   * sealed once they hold SEAL_MIN points (see planChunks); a series keeps at most a short tail inline,
   * rewritten as points arrive.
   */
  planAppend(run: string, key: string, meta: SeriesMeta, buf: PointColumns, seal: SealBuffer): PlannedSeries {
    foldPoints(meta, buf.steps, buf.values, buf.length);
    let cols: PointColumns = buf;
    if (meta.tailN > 0) {
      // The tail is rewritten: its seq is the first of this plan.
      meta.chunks--;
      const tail = this.reader.inline(run, key, meta.chunks);
      if (tail === undefined) throw new Error(`the tail of ${key} is missing from the index`);
      const last = columnsOf([tail]);
      const joined = new ColumnBuffer(last.steps.length + buf.length);
      joined.pushAll(last.steps, last.times, last.values, last.steps.length);
      joined.pushAll(buf.steps, buf.times, buf.values, buf.length);
      cols = joined;
    }
    const firstSeq = meta.chunks;
    const rows = planChunks(cols, meta, false, seal);
    return { key, meta, firstSeq, rows, cols };
  }

  /**
   * Recomputes the summary of a planned series whose steps went back or repeated: it takes every point, those
   * stored before the plan (read from `file`) and the plan's own.
   */
  async resummarize(run: string, file: string | undefined, plan: PlannedSeries): Promise<void> {
    const before = columnsOf(await this.reader.fetch(run, plan.key, file, { seqBelow: plan.firstSeq }));
    const cols = plan.cols;
    if (cols === undefined) throw new Error(`the points of ${plan.key} were not sent with its plan`);
    const n = before.steps.length + cols.length;
    const all = new ColumnBuffer(n);
    all.pushAll(before.steps, before.times, before.values, before.steps.length);
    all.pushAll(cols.steps, cols.times, cols.values, cols.length);
    const d = dedupeSteps(all.steps.subarray(0, n), all.times.subarray(0, n), all.values.subarray(0, n));
    summaryFrom(plan.meta, d.steps, d.values, d.steps.length);
  }

  /**
   * Writes a planned series' chunk rows and summary; call inside the transaction that commits its file state,
   * whose writeRun notes that the run has rows.
   */
  commitSeries(run: string, plan: PlannedSeries): void {
    for (const { seq, c, at } of plan.rows) {
      this.run(
        'INSERT OR REPLACE INTO chunks (run, key, seq, n, step0, stride, steps, times, vals, pos, ov, step_min, step_max, time_min, time_max) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        [run, plan.key, seq, c.n, c.step0, c.stride, c.steps, c.times, c.values, at?.pos ?? null, at?.ov ?? null, c.stepMin, c.stepMax, c.timeMin, c.timeMax],
      );
    }
    const m = plan.meta;
    this.run(
      'INSERT OR REPLACE INTO series (run, key, count, last, last_step, min, max, monotone, chunks, tail_n, max_step) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      [run, plan.key, m.count, m.last, m.lastStep, m.min, m.max, m.monotone ? 1 : 0, m.chunks, m.tailN, m.maxStep],
    );
  }

  /** The overviews of a series' chunks (see ChunkReader.overviews). */
  fetchOverviews(run: string, key: string, file: string | undefined, meta: SeriesMeta, scratch?: ReadScratch): Promise<ChunkOverview[]> {
    if (meta.ovSpans !== undefined && file !== undefined) {
      return this.reader.overviewsFromSpans(run, key, file, meta.ovSpans, meta.tailN > 0 ? meta.chunks - 1 : undefined, scratch);
    }
    return this.reader.overviews(run, key, file, scratch);
  }

  /** The chunks of one series matching `filter` (see ChunkReader.fetch); `file` is the run's point file. */
  fetchChunks(run: string, key: string, file: string | undefined, filter: ChunkFilter, scratch?: ReadScratch): Promise<ChunkData[]> {
    return this.reader.fetch(run, key, file, filter, scratch);
  }

  /** Every chunk of every series of a run (see ChunkReader.fetchRun). */
  fetchRun(run: string, file: string | undefined): Promise<Map<string, ChunkData[]>> {
    return this.reader.fetchRun(run, file);
  }

  export(): Uint8Array {
    return this.db.export();
  }

  close(): void {
    this.dropStatements();
    this.db.close();
  }
}
