// The run store: finds runs under the roots through their sources (sources/), reads what changed since the last
// pass into the sql.js index, keeps run summaries in memory for listing, and persists the index atomically.
import { join } from 'node:path';
import { errorText, STAT_BATCH, statOrError, statOrUndefined, statQuiet } from './ingest/quietFs';
import { USER_FILE } from './ingest/userEdits';
import type { FoundRun, LogStat, RunScan, RunSource } from './sources/runSource';
import { DEFAULT_CRASH_AFTER_MS, discoverRuns, editsDirOf, enabledSources, locateRuns, sourceOf } from './sources/sources';
import { LOG_FILE } from './sources/trackside/discovery';
import { openLog } from './sources/trackside/reader';
import { mayHaveSegments, statSegments } from './sources/trackside/segments';
import { IndexDb, type StoredRun } from './index/indexDb';
import { LazyIndex } from './index/lazyIndex';
import { parseSnapshot } from './index/indexSnapshot';
import { SCHEMA_VERSION } from './index/schema';
import { loadIndexImage, saveIndexImage } from './index/indexImage';
import { DiskPointFiles, MemoryPointFiles, ReadScratch } from './index/pointFiles';
import { indexRun, limits, type IndexTarget } from './index/indexRun';
import { diffParams } from './query/query';
import { listCached } from './query/listing';
import { mayMatch, prefilters } from './query/prefilter';
import { ParsePool } from './ingest/parsePool';
import { detailOf, runDiagnostics, summaryOf, type CachedRun } from './query/runSummary';
import { SeriesCache } from './query/seriesCache';
import { readSeries } from './query/seriesRead';
import { readWholeRun } from './query/wholeRun';
import { histogramSeries, mediaAt, mediaKeys, mediaSteps, TableCache, tablePage, textPage } from './query/media';
import { loadSqlJs } from './index/sqlite';
import { Liveness } from './liveness';
import type { ProcInfo } from './ingest/runState';
import { headerSources, ProvisionalRuns } from './headers/provisionalRuns';
import type {
  Diagnostic,
  HeaderScanReport,
  HistogramSeries,
  IndexReport,
  MediaKeyInfo,
  MediaStep,
  ParamsDiffRow,
  RunDetail,
  RunQuery,
  RunStore,
  RunSummary,
  Series,
  SeriesRequest,
  StoreOptions,
  TablePage,
  TableRequest,
  TextPage,
} from './types';

export { LOG_FILE, USER_FILE, limits };

/**
 * Other tools' runs read at once on this thread: their files are read asynchronously, so while one run waits for
 * its small files another is parsed (one at a time, a cold MLflow store spent a third of its time waiting).
 */
const FOREIGN_RUNS_AT_ONCE = 8;
/**
 * New bytes from which another tool's run is read alone: each run in flight holds up to a part of points and
 * read windows (TensorBoard's two of 8 MB), so large ones one after another keep memory as it was.
 */
const FOREIGN_READ_ALONE_BYTES = 8 << 20;

/** Series read from point files at once: each holds its file's bytes until it is downsampled. */
const READS_IN_FLIGHT = 8;

/** Where the point files of an index at `dbPath` live. */
export function pointsDir(dbPath: string): string {
  return `${dbPath}.points`;
}

/** StoreOptions, and the kinds of run to read: all of them (sources/sources.ts) unless a test says otherwise. */
export interface OpenOptions extends StoreOptions {
  sources?: readonly RunSource[];
  /** Headers read while the index opened (headers/): listed beside its runs until a full pass reads them. */
  provisional?: ProvisionalRuns;
}

/** A pass's stat of a run: its log's, or (RunSource.scan) every file's. Undefined when gone, text when unreadable. */
async function statRun(c: FoundRun, known: CachedRun | undefined, pool: ParsePool | undefined): Promise<LogStat | RunScan | string | undefined> {
  if (c.source.scan !== undefined) return c.source.scan(c, pool);
  // Trackside's runs may be a distributed job's segments (sources/trackside/segments.ts).
  if (c.source.open === openLog && mayHaveSegments(known?.state)) return statSegments(c);
  const s = statOrError(c.log);
  return s === undefined || typeof s === 'string' || s.isFile() ? s : undefined;
}

export async function openStore(options: OpenOptions): Promise<RunStore> {
  // sql.js compiles its wasm off this thread while the index file is read.
  const files = options.dbPath === undefined ? new MemoryPointFiles() : new DiskPointFiles(pointsDir(options.dbPath));
  // The point files are listed (for the prune below) while the index file is read.
  const listed = files.listing();
  const [runtime, { bytes, snapshot, damaged }] = await Promise.all([loadSqlJs(options.wasmPath), loadIndexImage(options.dbPath)]);
  let index: LazyIndex;
  let runs: Map<string, StoredRun>;
  let rebuilt: string | undefined = damaged;
  let onDamaged: (why: string) => void = () => undefined;
  if (snapshot !== undefined) {
    // The runs from the text beside the image; the image itself is opened when first needed (lazyIndex.ts).
    try {
      runs = parseSnapshot(snapshot, SCHEMA_VERSION);
      index = new LazyIndex(runtime, bytes, files, (why) => onDamaged(why));
    } catch (err) {
      runs = new Map();
      rebuilt = err instanceof Error ? err.message : String(err);
      index = new LazyIndex(runtime, undefined, files, () => undefined);
    }
  } else {
    const opened = IndexDb.open(runtime, bytes, files);
    runs = opened.runs;
    rebuilt ??= opened.rebuilt;
    index = LazyIndex.of(opened.db, runtime);
  }
  // Files the persisted index does not name were written after it (by a process that died before persisting)
  // or belong to an index that was dropped.
  await files.prune(pointFilesOf(runs.values()), listed);
  const store = new SqlRunStore(options, index, runs, rebuilt);
  onDamaged = (why) => store.imageDamaged(why);
  return store;
}

function pointFilesOf(runs: Iterable<StoredRun>): Set<string> {
  const names = new Set<string>();
  for (const r of runs) if (r.file.points !== undefined) names.add(r.file.points.name);
  return names;
}

export class SqlRunStore implements RunStore {
  private readonly runs: Map<string, CachedRun>;
  private readonly crashAfterMs: number;
  private readonly now: () => number;
  /** Problems not tied to one log line: unreadable roots, duplicate ids, a dropped index. */
  private general: Diagnostic[] = [];
  private dirty: boolean;
  /** Told once, in the first index report: why a persisted index was dropped. */
  private notes: Diagnostic[] = [];
  /** Set when the image turned out damaged during a pass (see imageDamaged). */
  private rereadAll = false;
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** Downsampled series already served, valid while their SeriesMeta object is current (see seriesCache.ts). */
  private readonly seriesCache = new SeriesCache();
  private readonly target: IndexTarget;
  /** Runs whose points could not be read back: the next pass reindexes them. */
  private readonly stale = new Set<string>();
  private readonly sources: readonly RunSource[];
  /** The processes writing running runs on this machine, as last checked (see liveness.ts). */
  private readonly live = new Liveness();
  private readonly tables = new TableCache();
  /** Runs listed from their headers until a full pass has read them (headers/): never committed nor persisted. */
  private readonly provisional: ProvisionalRuns;

  constructor(
    private readonly options: OpenOptions,
    private readonly lazy: LazyIndex,
    runs: Map<string, StoredRun>,
    rebuilt?: string,
  ) {
    this.runs = runs;
    this.crashAfterMs = options.crashAfterMs ?? DEFAULT_CRASH_AFTER_MS;
    this.now = options.now ?? Date.now;
    this.sources = enabledSources(options.sources, options.sourcesOff);
    this.dirty = rebuilt !== undefined;
    if (rebuilt !== undefined && options.dbPath !== undefined) {
      this.notes.push({ file: options.dbPath, reason: `index rebuilt from the logs (${rebuilt})` });
    }
    this.provisional = options.provisional ?? new ProvisionalRuns();
    this.provisional.indexed = (id) => this.runs.has(id);
    this.target = {
      get db() {
        return lazy.db;
      },
      runs: this.runs,
      stale: this.stale,
      markDirty: () => (this.dirty = true),
    };
    for (const [id, run] of runs) if (run.file.repair === true) this.stale.add(id);
  }

  /** The database, opened on first use (lazyIndex.ts). */
  private get db(): IndexDb {
    return this.lazy.db;
  }

  /**
   * The persisted image could not be opened when first needed, after its runs were loaded from the snapshot:
   * the index starts empty, and every run is read again from its log by the next pass.
   */
  imageDamaged(why: string): void {
    for (const id of this.runs.keys()) this.stale.add(id);
    this.dirty = true;
    this.rereadAll = true;
    this.notes.push({ file: this.options.dbPath ?? '', reason: `index rebuilt from the logs (${why})` });
  }

  /** A pass that found the image damaged midway passed over runs before it as unchanged: one more reads them. */
  private async rereadIfDamaged(report: IndexReport): Promise<IndexReport> {
    if (!this.rereadAll) return report;
    this.rereadAll = false;
    const again = await this.inPass(() => this.indexPass());
    report.points += again.points;
    report.changedRuns = [...new Set([...report.changedRuns, ...again.changedRuns])];
    report.diagnostics.push(...again.diagnostics.filter((d) => !report.diagnostics.includes(d)));
    return report;
  }

  /** Runs `task` after everything queued before it, so passes, persists and close never interleave. */
  private serial<T>(task: () => Promise<T>): Promise<T> {
    const next = this.queue.then(task, task);
    this.queue = next.catch(() => undefined);
    return next;
  }

  index(signal?: AbortSignal, onProgress?: (done: number, total: number) => void): Promise<IndexReport> {
    return this.serial(() =>
      this.inPass(() => this.indexPass(signal, onProgress))
        .then((r) => this.rereadIfDamaged(r))
        .then((r) => this.afterPass(r, true)),
    );
  }

  indexRuns(runIds: string[], signal?: AbortSignal): Promise<IndexReport> {
    return this.serial(() => this.inPass(() => this.indexPass(signal, undefined, runIds)).then((r) => this.afterPass(r, false)));
  }

  /**
   * Checks the writers of the runs this pass read (of every running run, after a full pass: a poll then notices a
   * dead writer whose log never changes again). A run whose writer died is read once more (its last records) and
   * reported as changed, so whoever listens for changes redraws it as crashed.
   */
  private async afterPass(report: IndexReport, all: boolean): Promise<IndexReport> {
    const ids = await this.deadRuns(all ? undefined : report.changedRuns);
    if (ids.length === 0) return report;
    const again = await this.inPass(() => this.indexPass(undefined, undefined, ids));
    report.changedRuns = [...new Set([...report.changedRuns, ...ids])];
    report.diagnostics.push(...again.diagnostics.filter((d) => !report.diagnostics.includes(d)));
    return report;
  }

  /** Runs (of these, or all) with a writer on this machine that was running at the last check and is gone now. */
  private async deadRuns(ids?: Iterable<string>): Promise<string[]> {
    const died = await this.live.check(this.writers(ids));
    if (died.length === 0) return [];
    const gone = new Set(died.map((p) => `${p.host}\n${p.pid}\n${p.pidStart}`));
    const out: string[] = [];
    for (const [id, r] of this.runs) {
      const procs = [r.state.proc, ...Object.values(r.state.segments ?? {}).map((seg) => seg.proc)];
      if (procs.some((p) => p !== undefined && gone.has(`${p.host}\n${p.pid}\n${p.pidStart}`))) out.push(id);
    }
    return out;
  }

  /** The processes writing these runs (all runs when omitted) whose logs say they are running. */
  private *writers(ids?: Iterable<string>): Iterable<ProcInfo> {
    for (const id of ids ?? this.runs.keys()) {
      const state = this.runs.get(id)?.state;
      if (state === undefined) continue;
      if (state.proc !== undefined && (state.status ?? 'running') === 'running') yield state.proc;
      for (const seg of Object.values(state.segments ?? {})) if (seg.proc !== undefined && (seg.status ?? 'running') === 'running') yield seg.proc;
    }
  }

  checkLiveness(): Promise<boolean> {
    return this.serial(async () => {
      if (this.closed) return false;
      const ids = await this.deadRuns();
      if (ids.length === 0) return false;
      // Read what the dead wrote last: a status line flushed as it exited says more than "crashed".
      await this.inPass(() => this.indexPass(undefined, undefined, ids));
      return true;
    });
  }

  /**
   * Lists the runs the index does not hold yet from their log headers, for the first rows of a cold start; not
   * queued behind passes, so it can run beside the first one. Other tools' runs wait for the pass.
   */
  async scanHeaders(onProgress?: (done: number, total: number) => void): Promise<HeaderScanReport> {
    if (this.closed) throw new Error('The run store is closed.');
    const found = await discoverRuns(headerSources(this.sources), { roots: this.options.roots }, []);
    // Only runs the index does not hold: a warm start reads no header, and tells the view nothing.
    const unknown = found.filter((c) => !this.runs.has(c.id)).map((c) => this.withEdits(c));
    return this.provisional.scan(unknown, (id) => this.runs.has(id), onProgress);
  }

  settledRuns(): string[] {
    return this.provisional.settled((id) => this.runs.has(id));
  }

  private inPass<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('The run store is closed.'));
    return this.lazy.pass(fn);
  }

  private locate(runIds: string[]): FoundRun[] {
    return locateRuns(this.sources, runIds, this.options.roots, (id) => {
      const run = this.runs.get(id);
      return run === undefined ? undefined : { root: run.state.root, dir: run.state.dir, log: run.file.path, kind: run.state.source };
    }).map((c) => this.withEdits(c));
  }

  /** Sets where the run's user.json lives (beside it, or in the side folder of a read-only source). */
  private withEdits(c: FoundRun): FoundRun {
    const editsDir = editsDirOf(c, this.options.roots);
    return editsDir === c.dir || editsDir === undefined ? c : { ...c, editsDir };
  }

  private discover(general: Diagnostic[]): Promise<FoundRun[]> {
    return discoverRuns(this.sources, { roots: this.options.roots, scan: this.options.scanFolders }, general).then((runs) => runs.map((c) => this.withEdits(c)));
  }

  /** A full pass, or with `only`, a pass over those run ids (for file watchers: no listing, no other stat). */
  private async indexPass(signal?: AbortSignal, onProgress?: (done: number, total: number) => void, only?: string[]): Promise<IndexReport> {
    const started = performance.now();
    const report: IndexReport = { runs: 0, points: 0, changedRuns: [], removedRuns: [], diagnostics: [], ms: 0 };
    if (this.closed) throw new Error('The run store is closed.');
    const general: Diagnostic[] = [];
    const candidates = only === undefined ? await this.discover(general) : this.locate(only);
    const present = new Set(candidates.map((c) => c.id));
    for (const id of only ?? [...this.runs.keys()]) {
      if (!present.has(id) && this.runs.has(id)) this.removeRun(id, report);
    }
    if (only === undefined) await this.findLostPoints(general);
    let done = 0;
    onProgress?.(0, candidates.length);
    // Logs are sized up front; runs of many files (other tools') are counted: a format may parse a new one's
    // files on a worker (MLflow's metric files), the rest of it is read here.
    const pooled = candidates.filter((c) => c.source.scan === undefined);
    let newRuns = 0;
    for (const c of pooled) if (!this.runs.has(c.id)) newRuns++;
    let newForeign = 0;
    for (const c of candidates) if (c.source.scan !== undefined && !this.runs.has(c.id)) newForeign++;
    const newBytes = await logBytes(pooled, pooled.length - newRuns, (id) => this.runs.has(id));
    const pool = newBytes >= limits.workerBytes || newRuns + newForeign >= limits.workerRuns ? ParsePool.create() : undefined;
    const inFlight = new Set<Promise<void>>();
    // Synchronous stat of a log on purpose: for a warm pass that is nearly all the work, and the threadpool
    // round trip of async stat costs ten times more. Batches are small and the loop yields between them.
    // Runs of many files (other tools') are listed asynchronously, all of a batch at once.
    const statBatch = (from: number) =>
      Promise.all(
        candidates.slice(from, from + STAT_BATCH).map(async (c) => {
          const editsDir = c.editsDir ?? (c.source.capabilities.readOnly ? undefined : c.dir);
          return [await statRun(c, this.runs.get(c.id), pool), editsDir === undefined ? undefined : statQuiet(join(editsDir, USER_FILE))] as const;
        }),
      );
    let listing: ReturnType<typeof statBatch> | undefined;
    try {
      for (let b = 0; b < candidates.length && !signal?.aborted; b += STAT_BATCH) {
        if (b > 0) await new Promise((resolve) => setImmediate(resolve));
        const batch = candidates.slice(b, b + STAT_BATCH);
        const stats = await (listing ?? statBatch(b));
        // The next batch is listed while this one is read: other tools' runs are listed file by file, and the
        // workers would idle through it (a fifth of a cold index of 1,000 MLflow runs).
        listing = b + STAT_BATCH < candidates.length && pool !== undefined && newForeign > 0 ? statBatch(b + STAT_BATCH) : undefined;
        listing?.catch(() => undefined);
        for (let i = 0; i < batch.length && !signal?.aborted; i++) {
          const c = batch[i];
          const [logStat, userStat] = stats[i];
          const cached = this.runs.get(c.id);
          if (typeof logStat === 'string') {
            // One unreadable folder is that run's problem alone; what was indexed of it before stays listed.
            general.push({ file: c.log, reason: `cannot read the log (${logStat})` });
            onProgress?.(++done, candidates.length);
            continue;
          }
          if (logStat === undefined) {
            // A folder without a log is a run being created (or not a run): nothing to show yet.
            if (cached !== undefined) this.removeRun(c.id, report);
            onProgress?.(++done, candidates.length);
            continue;
          }
          const userMtime = userStat?.mtimeMs ?? -1;
          const unchanged = cached !== undefined && cached.file.size === logStat.size && cached.file.mtimeMs === logStat.mtimeMs && cached.file.userMtimeMs === userMtime && cached.state.root === c.root && !this.stale.has(c.id);
          if (unchanged) {
            onProgress?.(++done, candidates.length);
            continue;
          }
          const alone = pool === undefined && c.source.scan !== undefined && logStat.size - (cached?.file.size ?? 0) >= FOREIGN_READ_ALONE_BYTES;
          if (alone) await Promise.all(inFlight);
          const task = indexRun(this.target, c, logStat, userStat, report, general, signal, pool).finally(() => {
            inFlight.delete(task);
            onProgress?.(++done, candidates.length);
          });
          inFlight.add(task);
          // With workers, what they can hold and two more: runs whose last part is being committed.
          // Other tools' runs also wait on reading their small files here: as many again as without workers.
          const atOnce = pool !== undefined ? pool.capacity + 2 + (c.source.scan !== undefined ? FOREIGN_RUNS_AT_ONCE : 0) : c.source.scan !== undefined && !alone ? FOREIGN_RUNS_AT_ONCE : 1;
          if (inFlight.size >= atOnce) await Promise.race(inFlight);
        }
      }
      await Promise.all(inFlight);
    } finally {
      await Promise.all(inFlight);
      await listing?.catch(() => undefined);
      await pool?.close();
    }
    if (only === undefined) {
      this.general = general;
    } else {
      // A partial pass only adds to what the last full pass found.
      const known = new Set(this.general.map((d) => `${d.file}\n${d.reason}`));
      this.general.push(...general.filter((d) => !known.has(`${d.file}\n${d.reason}`)));
    }
    // Every run a full pass found is in the index now (or has a diagnostic): headers are no longer needed.
    if (only === undefined && !signal?.aborted) this.provisional.close();
    report.diagnostics.push(...this.notes, ...general);
    this.notes = [];
    report.runs = this.runs.size;
    report.ms = Math.round(performance.now() - started);
    return report;
  }

  /**
   * Runs whose point file is gone (deleted by hand, or by a cleaner) are rebuilt from their logs in this pass:
   * one listing of the folder, instead of learning it from a failed read, one chart at a time.
   */
  private async findLostPoints(general: Diagnostic[]): Promise<void> {
    const names = await this.lazy.files.names();
    if (names === undefined) return;
    for (const [id, run] of this.runs) {
      const points = run.file.points;
      if (points === undefined || points.bytes === 0 || names.has(points.name) || this.stale.has(id)) continue;
      this.stale.add(id);
      general.push({ file: run.file.path, reason: `its point file ${points.name} is missing; the run is reindexed from its log` });
    }
  }

  /** Remembers, in the next persisted index too, that a run's points are damaged and must be rebuilt. */
  private needsRepair(run: CachedRun, runId: string, key: string, err: unknown): void {
    if (this.stale.has(runId)) return;
    this.stale.add(runId);
    run.file.repair = true;
    this.dirty = true;
    this.general.push({ file: run.file.path, reason: `cannot read ${key} from the index (${errorText(err)}); the run is reindexed from its log` });
    // Persisted now, not at the next pass: a CLI call that only reads would otherwise forget it when it exits.
    void this.persist().catch(() => undefined);
  }

  private removeRun(id: string, report: IndexReport): void {
    this.db.transaction(() => this.db.deleteRun(id));
    this.runs.delete(id);
    report.removedRuns.push(id);
    this.dirty = true;
  }

  private summaryOf(run: CachedRun): RunSummary {
    return summaryOf(run, this.now(), this.crashAfterMs, sourceOf(this.sources, run.state.source)?.capabilities, this.live);
  }

  listRuns(query?: RunQuery): RunSummary[] {
    const all: CachedRun[] = [];
    // Runs the filter certainly drops get no summary built (prefilter.ts); listCached judges the rest.
    const q = prefilters(query) ? query : undefined;
    for (const run of this.runs.values()) if (q === undefined || mayMatch(run, q)) all.push(run);
    for (const run of this.provisional.values()) if (!this.runs.has(run.state.id) && (q === undefined || mayMatch(run, q))) all.push(run);
    return listCached(all, (run) => this.summaryOf(run), query, q !== undefined);
  }

  getRun(id: string): RunDetail | undefined {
    const run = this.runs.get(id) ?? this.provisional.get(id);
    if (run === undefined) return undefined;
    return detailOf(run, this.summaryOf(run));
  }

  metricKeys(runIds?: string[]): string[] {
    const keys = new Set<string>();
    const runs = runIds === undefined ? this.runs.values() : runIds.map((id) => this.runs.get(id));
    for (const run of runs) if (run !== undefined) for (const k of run.series.keys()) keys.add(k);
    return [...keys].sort();
  }

  async series(req: SeriesRequest): Promise<Series[]> {
    const byTime = req.x === 'time';
    const wanted: Array<(scratch: ReadScratch) => Promise<Series | undefined>> = [];
    for (const runId of req.runIds) {
      const run = this.runs.get(runId);
      if (run === undefined) continue;
      for (const key of req.keys) {
        const meta = run.series.get(key);
        if (meta === undefined || meta.chunks === 0) continue;
        const cacheKey = SeriesCache.keyOf(runId, key, req);
        const cached = cacheKey === undefined ? undefined : this.seriesCache.get(cacheKey, meta);
        if (cached !== undefined) {
          wanted.push(() => Promise.resolve(cached));
          continue;
        }
        const file = run.file.points?.name;
        wanted.push(async (scratch) => {
          try {
            const s = await readSeries(this.lazy, runId, file, key, meta, req, byTime, scratch);
            if (cacheKey !== undefined) this.seriesCache.set(cacheKey, meta, s);
            return s;
          } catch (err) {
            // Reindexed meanwhile: the read raced a newer point file, and the next request gets the new points.
            if (this.runs.get(runId)?.file.points?.name !== file) return undefined;
            // A damaged or missing point file must not take the chart down with it; the log rebuilds the run.
            this.needsRepair(run, runId, key, err);
            return undefined;
          }
        });
      }
    }
    const out: Array<Series | undefined> = new Array(wanted.length);
    let next = 0;
    const worker = async () => {
      const scratch = new ReadScratch();
      while (next < wanted.length) {
        const i = next++;
        out[i] = await wanted[i](scratch);
      }
    };
    await Promise.all(Array.from({ length: Math.min(READS_IN_FLIGHT, wanted.length) }, worker));
    return out.filter((s): s is Series => s !== undefined);
  }

  async wholeRun(runId: string): Promise<Series[]> {
    const run = this.runs.get(runId);
    if (run === undefined) return [];
    const file = run.file.points?.name;
    try {
      return await readWholeRun(this.db, runId, file, run.series);
    } catch (err) {
      if (this.runs.get(runId)?.file.points?.name !== file) return this.wholeRun(runId);
      this.needsRepair(run, runId, 'its points', err);
      throw new Error(`cannot read the points of ${runId} from the index (${errorText(err)}); it is reindexed from its log at the next pass`);
    }
  }

  paramsDiff(runIds: string[]): ParamsDiffRow[] {
    return diffParams(runIds.map((id) => (this.runs.get(id) ?? this.provisional.get(id))?.state));
  }

  mediaKeys(runId: string): MediaKeyInfo[] {
    const run = this.runs.get(runId);
    return run === undefined ? [] : mediaKeys(run.state);
  }

  mediaSteps(runId: string, key: string): number[] {
    return this.runs.has(runId) && !this.closed ? mediaSteps(this.db, runId, key) : [];
  }

  async mediaAt(runId: string, key: string, step: number | 'latest'): Promise<MediaStep | undefined> {
    const run = this.runs.get(runId);
    return run === undefined || this.closed ? undefined : mediaAt(this.db, run.state, key, step);
  }

  histogramSeries(runId: string, key: string, budget: number, bins?: number): HistogramSeries | undefined {
    return this.runs.has(runId) && !this.closed ? histogramSeries(this.db, runId, key, budget, bins) : undefined;
  }

  async mediaTable(req: TableRequest): Promise<TablePage | undefined> {
    const run = this.runs.get(req.runId);
    return run === undefined || this.closed ? undefined : tablePage(this.db, run.state, this.tables, req);
  }

  async mediaText(runId: string, key: string, step: number | 'latest', maxChars?: number): Promise<TextPage | undefined> {
    const run = this.runs.get(runId);
    return run === undefined || this.closed ? undefined : textPage(this.db, run.state, key, step, maxChars);
  }

  diagnostics(): Diagnostic[] {
    return [...runDiagnostics(this.runs.values()), ...this.general];
  }

  persist(): Promise<void> {
    return this.serial(async () => {
      const target = this.options.dbPath;
      if (target === undefined || !this.dirty || this.closed) return;
      // Cleared first: a change made while the image is written (a repair noted by a read) must stay dirty.
      this.dirty = false;
      try {
        const { image, snapshot } = this.db.exportWith(this.runs);
        await saveIndexImage(target, image, snapshot);
      } catch (err) {
        this.dirty = true;
        throw err;
      }
      // Only now may files of runs reindexed or removed since the last persist go: the index on disk named them.
      await this.lazy.files.prune(pointFilesOf(this.runs.values()));
    });
  }

  close(): Promise<void> {
    return this.serial(async () => {
      if (this.closed) return;
      this.closed = true;
      this.provisional.close();
      this.seriesCache.clear();
      this.tables.clear();
      this.lazy.close();
      await this.lazy.files.release();
    });
  }
}

/** Total size of the new runs' logs, by stat (cheap; only used to size the index up front). */
async function logBytes(candidates: FoundRun[], knownCount: number, isKnown: (id: string) => boolean): Promise<number> {
  if (knownCount >= candidates.length) return 0;
  let total = 0;
  for (let b = 0; b < candidates.length; b += STAT_BATCH) {
    const sizes = await Promise.all(candidates.slice(b, b + STAT_BATCH).map((c) => (isKnown(c.id) ? 0 : statOrUndefined(c.log).then((s) => s?.size ?? 0))));
    for (const s of sizes) total += s;
  }
  return total;
}
