// The sql.js database behind the store: opening (or rebuilding) it, loading it into memory, and the writes a
// checkpoint makes. Every write for one run happens synchronously inside one transaction, so no query ever
// sees a run half-written and offsets always commit with the data read up to them.
import type { Database, SqlJsStatic, SqlValue, Statement } from 'sql.js';
import type { BlobReader, SqlRuntime } from './sqlite';
import { CHUNK_POINTS, decodeChunkInto, encodeChunk } from './chunks';
import { parseWithFloats, stringifyWithFloats } from './floats';
import type { FileState, RunState } from './runState';
import { SCHEMA, SCHEMA_VERSION } from './schema';
import { ColumnBuffer } from './seriesBuffer';
import { dedupeSteps, foldPoints, summaryFrom, type SeriesMeta } from './seriesMeta';
import type { ParamValue } from './types';

export interface StoredRun {
  state: RunState;
  file: FileState;
  series: Map<string, SeriesMeta>;
}

export interface ChunkFilter {
  stepMin?: number;
  stepMax?: number;
  timeMin?: number;
  timeMax?: number;
}

/** Parallel columns; only the first `length` entries count. */
export interface PointColumns {
  steps: Float64Array;
  times: Float64Array;
  values: Float64Array;
  length: number;
}

export interface LazyChunk {
  at: number;
  n: number;
  step0: number;
  stride: number;
  steps: Float64Array | undefined;
  t0: number;
  times: Float32Array;
}

export interface LazySeries {
  values: Float64Array;
  chunks: LazyChunk[];
}

/** Step and time of points `indices` (ascending) of a lazily read series. */
export function stepsAndTimes(series: LazySeries, indices: Uint32Array): { steps: Float64Array; times: Float64Array } {
  const steps = new Float64Array(indices.length);
  const times = new Float64Array(indices.length);
  let c = 0;
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    while (c + 1 < series.chunks.length && series.chunks[c + 1].at <= i) c++;
    const chunk = series.chunks[c];
    const j = i - chunk.at;
    steps[k] = chunk.steps !== undefined ? chunk.steps[j] : chunk.step0 + j * chunk.stride;
    times[k] = chunk.t0 + chunk.times[j];
  }
  return { steps, times };
}

/** Points of readValues' scratch kept between calls (20 bytes each, so 5 MB at most): larger series get arrays of their own. */
const MAX_SCRATCH_POINTS = 1 << 18;

function grown<T extends Float64Array | Float32Array>(a: T, used: number, need: number): T {
  const b = new (a.constructor as new (n: number) => T)(need * 2);
  b.set(a.subarray(0, used));
  return b;
}

const num = (v: SqlValue): number => (typeof v === 'number' ? v : NaN);

/** Spare room reserved beyond what the index needs now. */
const SLACK_BYTES = 16 << 20;

/**
 * sql.js keeps the database file in an in-memory file that grows by 12.5% at a time, copying itself each time:
 * about nine copies of the whole index while a large one is built. Opening the image from a buffer that is
 * already large enough avoids that; SQLite reads the real size from the file header and ignores the zeros after
 * it, and export() writes only the real pages.
 */
function openImage(SQL: SqlJsStatic, image: Uint8Array | undefined, capacity: number, roomy = false): Database {
  // An image read into a buffer that already has the room is used as it is (saves copying a large index).
  if (roomy && image !== undefined && image.length >= capacity) return new SQL.Database(image);
  if (image === undefined) {
    const empty = new SQL.Database();
    empty.exec(SCHEMA);
    empty.run("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema', ?)", [String(SCHEMA_VERSION)]);
    image = empty.export();
    empty.close();
  }
  // A Buffer, not a plain Uint8Array: sql.js's file system takes `data.slice()`, which for a Buffer is a view,
  // so the room becomes the database file without another copy.
  const room = Buffer.alloc(Math.max(capacity, image.length));
  room.set(image);
  return new SQL.Database(room);
}

export class IndexDb {
  private readonly statements = new Map<string, Statement>();
  /** Bytes of room in the in-memory file (see openImage). */
  private capacity: number;

  private readonly SQL: SqlJsStatic;
  private readonly blobs: BlobReader | undefined;
  /** Scratch for Float32 time offsets while decoding. */
  private times32 = new Float32Array(CHUNK_POINTS);

  private constructor(
    runtime: SqlRuntime,
    public db: Database,
    capacity: number,
  ) {
    this.SQL = runtime.SQL;
    this.blobs = runtime.blobs;
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
        return { db: index, runs: index.loadSnapshot() ?? index.loadAll() };
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
    const rows = [...runs].map(([id, r]) => [id, r.state, r.file, [...r.series]]);
    this.db.run("INSERT OR REPLACE INTO meta (key, value) VALUES ('snapshot', ?)", [stringifyWithFloats(rows)]);
  }

  private loadSnapshot(): Map<string, StoredRun> | undefined {
    const text = this.db.exec("SELECT value FROM meta WHERE key = 'snapshot'")[0]?.values[0]?.[0];
    if (typeof text !== 'string') return undefined;
    // Older rows would be stale after any change: drop the row now that it is read.
    this.db.run("DELETE FROM meta WHERE key = 'snapshot'");
    const rows = parseWithFloats<Array<[string, RunState, FileState, Array<[string, SeriesMeta]>]>>(text);
    return new Map(rows.map(([id, state, file, series]) => [id, { state, file: reviveFile(file), series: new Map(series) }]));
  }

  private loadAll(): Map<string, StoredRun> {
    const runs = new Map<string, StoredRun>();
    const files = new Map<string, FileState>();
    for (const row of this.db.exec('SELECT run, state FROM files')[0]?.values ?? []) {
      files.set(String(row[0]), JSON.parse(String(row[1])) as FileState);
    }
    for (const row of this.db.exec('SELECT id, state FROM runs')[0]?.values ?? []) {
      const id = String(row[0]);
      const file = files.get(id);
      if (file === undefined) continue;
      runs.set(id, { state: parseWithFloats<RunState>(String(row[1])), file: reviveFile(file), series: new Map() });
    }
    const rows = this.db.exec('SELECT run, key, count, last, last_step, min, max, monotone, chunks, last_chunk_n, max_step FROM series')[0]?.values ?? [];
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
        lastChunkN: num(r[9]),
        maxStep: num(r[10]),
      });
    }
    return runs;
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

  writeRun(state: RunState, status: string, what: { params: boolean; tags: boolean; artifacts: boolean; problems: boolean }): void {
    const id = state.id;
    this.run('INSERT OR REPLACE INTO runs (id, root, dir, name, project, status, start_time, last_update, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)', [
      id,
      state.root,
      state.dir,
      state.user?.name ?? state.name ?? id,
      state.project ?? '',
      status,
      state.startTime ?? state.firstTime ?? null,
      state.lastUpdate ?? null,
      stringifyWithFloats(state),
    ]);
    if (what.params) {
      this.run('DELETE FROM params WHERE run = ?', [id]);
      for (const [key, value] of Object.entries(state.params)) this.run('INSERT INTO params (run, key, kind, num, text) VALUES (?, ?, ?, ?, ?)', [id, key, ...typed(value)]);
    }
    if (what.tags) {
      this.run('DELETE FROM tags WHERE run = ?', [id]);
      for (const tag of new Set(state.user?.tags ?? state.tags)) this.run('INSERT INTO tags (run, tag) VALUES (?, ?)', [id, tag]);
    }
    if (what.artifacts) {
      this.run('DELETE FROM artifacts WHERE run = ?', [id]);
      for (const a of state.artifacts) {
        this.run('INSERT OR REPLACE INTO artifacts (run, path, kind, size, sha256, time) VALUES (?, ?, ?, ?, ?, ?)', [id, a.path, a.kind ?? null, a.size ?? null, a.sha256 ?? null, a.time]);
      }
    }
    if (what.problems) {
      this.run('DELETE FROM diagnostics WHERE run = ?', [id]);
      for (const p of state.problems.first) this.run('INSERT INTO diagnostics (run, file, line, reason) VALUES (?, ?, ?, ?)', [id, 'events.jsonl', p.line, p.reason]);
    }
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

  /**
   * The stored points of one series in append order, restricted to chunks that can hold points in the filter's
   * ranges. `capacity` is an upper bound on the points (the caller knows the chunk count).
   */
  readChunks(run: string, key: string, capacity: number, filter: ChunkFilter & { seq?: number }): { steps: Float64Array; times: Float64Array; values: Float64Array } {
    const clauses = ['run = ?', 'key = ?'];
    const params: SqlValue[] = [run, key];
    const where = (clause: string, value: number | undefined) => {
      if (value === undefined) return;
      clauses.push(clause);
      params.push(value);
    };
    where('seq = ?', filter.seq);
    where('step_max >= ?', filter.stepMin);
    where('step_min <= ?', filter.stepMax);
    where('(time_max IS NULL OR time_max >= ?)', filter.timeMin);
    where('(time_min IS NULL OR time_min <= ?)', filter.timeMax);
    const s = this.stmt(`SELECT n, step0, stride, steps, t0, times, vals FROM chunks WHERE ${clauses.join(' AND ')} ORDER BY seq`);
    s.bind(params);
    let steps = new Float64Array(capacity);
    let times = new Float64Array(capacity);
    let values = new Float64Array(capacity);
    let at = 0;
    const ensure = (n: number) => {
      if (at + n <= steps.length) return;
      // The caller's bound was low (it never should be); grow rather than drop points.
      const grow = (a: Float64Array) => {
        const b = new Float64Array((at + n) * 2);
        b.set(a.subarray(0, at));
        return b;
      };
      steps = grow(steps);
      times = grow(times);
      values = grow(values);
    };
    const blobs = this.blobs;
    try {
      if (blobs !== undefined) {
        const p = blobs.pointer(s);
        while (s.step()) {
          const n = blobs.number(p, 0);
          ensure(n);
          if (blobs.isNull(p, 2)) {
            blobs.copy(p, 3, new Uint8Array(steps.buffer, steps.byteOffset + at * 8, n * 8), 0, n * 8);
          } else {
            const step0 = blobs.number(p, 1);
            const stride = blobs.number(p, 2);
            for (let i = 0; i < n; i++) steps[at + i] = step0 + i * stride;
          }
          if (this.times32.length < n) this.times32 = new Float32Array(n);
          const t32 = this.times32;
          blobs.copy(p, 5, new Uint8Array(t32.buffer), 0, n * 4);
          const t0 = blobs.number(p, 4);
          for (let i = 0; i < n; i++) times[at + i] = t0 + t32[i];
          blobs.copy(p, 6, new Uint8Array(values.buffer, values.byteOffset + at * 8, n * 8), 0, n * 8);
          at += n;
        }
        return { steps: steps.subarray(0, at), times: times.subarray(0, at), values: values.subarray(0, at) };
      }
      while (s.step()) {
        const r = s.get();
        const n = num(r[0]);
        ensure(n);
        decodeChunkInto(
          { n, step0: num(r[1]), stride: r[2] === null ? null : num(r[2]), steps: r[3] instanceof Uint8Array ? r[3] : null, t0: num(r[4]), times: r[5] as Uint8Array, values: r[6] as Uint8Array },
          steps,
          times,
          values,
          at,
        );
        at += n;
      }
    } finally {
      s.reset();
    }
    return { steps: steps.subarray(0, at), times: times.subarray(0, at), values: values.subarray(0, at) };
  }

  /**
   * All values of a series, with what is needed to find the step and time of any one point later: for a full
   * view only the few points kept by downsampling need them, so steps and times are not decoded for the rest.
   *
   * The columns are views into scratch arrays reused by the next call (series() reads 100 series of 100k
   * points in a row; fresh arrays per series were a fifth of its time in allocation and GC): use the result,
   * copying what you keep, before calling again.
   */
  readValues(run: string, key: string, capacity: number): LazySeries | undefined {
    const blobs = this.blobs;
    if (blobs === undefined) return undefined;
    const s = this.stmt('SELECT n, step0, stride, steps, t0, times, vals FROM chunks WHERE run = ? AND key = ? ORDER BY seq');
    s.bind([run, key]);
    const scratch = this.lazyScratch(capacity);
    let { values, times, steps } = scratch;
    const chunks: LazyChunk[] = [];
    let at = 0;
    try {
      const p = blobs.pointer(s);
      while (s.step()) {
        const n = blobs.number(p, 0);
        if (at + n > values.length) {
          // The caller's bound was low (it never should be): grow rather than drop points.
          values = grown(values, at, at + n);
          times = grown(times, at, at + n);
          steps = grown(steps, at, at + n);
        }
        const explicit = blobs.isNull(p, 2);
        if (explicit) blobs.copy(p, 3, new Uint8Array(steps.buffer, at * 8, n * 8), 0, n * 8);
        blobs.copy(p, 5, new Uint8Array(times.buffer, at * 4, n * 4), 0, n * 4);
        blobs.copy(p, 6, new Uint8Array(values.buffer, at * 8, n * 8), 0, n * 8);
        chunks.push({
          at,
          n,
          step0: blobs.number(p, 1),
          stride: explicit ? 0 : blobs.number(p, 2),
          steps: explicit ? steps.subarray(at, at + n) : undefined,
          t0: blobs.number(p, 4),
          times: times.subarray(at, at + n),
        });
        at += n;
      }
    } finally {
      s.reset();
    }
    if (values.length <= MAX_SCRATCH_POINTS) this.scratch = { values, times, steps };
    return { values: values.subarray(0, at), chunks };
  }

  private scratch: { values: Float64Array; times: Float32Array; steps: Float64Array } | undefined;

  /** Scratch columns for readValues with room for `points`; kept between calls only up to MAX_SCRATCH_POINTS. */
  private lazyScratch(points: number): { values: Float64Array; times: Float32Array; steps: Float64Array } {
    const kept = this.scratch;
    if (kept !== undefined && kept.values.length >= points) return kept;
    const size = Math.max(points, Math.min(MAX_SCRATCH_POINTS, (kept?.values.length ?? 0) * 2));
    const fresh = { values: new Float64Array(size), times: new Float32Array(size), steps: new Float64Array(size) };
    if (size <= MAX_SCRATCH_POINTS) this.scratch = fresh;
    return fresh;
  }

  export(): Uint8Array {
    return this.db.export();
  }

  close(): void {
    this.dropStatements();
    this.db.close();
  }
}

function typed(value: ParamValue): [string, number | null, string | null] {
  if (value === null) return ['null', null, null];
  if (typeof value === 'number') return ['number', value, Number.isNaN(value) ? 'NaN' : null];
  if (typeof value === 'boolean') return ['boolean', value ? 1 : 0, null];
  return ['string', null, value];
}

function reviveFile(f: FileState): FileState {
  // JSON has no NaN: a file whose records had no time yet stored lastTs as null.
  return { ...f, lastTs: typeof f.lastTs === 'number' ? f.lastTs : NaN };
}
