// The run store: finds run logs under the roots, tails what changed since the last pass into the sql.js index,
// keeps run summaries in memory for listing, and persists the index atomically.
import { statSync, type Stats } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CHUNK_POINTS } from './chunks';
import { downsampleIndices, gather } from './downsample';
import { IndexDb, stepsAndTimes, type StoredRun } from './indexDb';
import { diffParams, queryRuns } from './query';
import { ParsePool } from './parsePool';
import { setOwn } from './records';
import { parseRun, REPORT_DETAILS, type ParseJob, type ParsedPart } from './runParser';
import { newFileState, newRunState, type FileState, type RunState } from './runState';
import { dedupeSteps, emptyMeta, toSummary, type SeriesMeta } from './seriesMeta';
import { SeriesCache } from './seriesCache';
import { loadSqlJs } from './sqlite';
import { fingerprintOf } from './tailer';
import type {
  Diagnostic,
  IndexReport,
  MetricSummary,
  ParamsDiffRow,
  RunDetail,
  RunQuery,
  RunStatus,
  RunStore,
  RunSummary,
  Series,
  SeriesRequest,
  StoreOptions,
} from './types';
import { unseal, writeSealed } from './sealedFile';
import { parseUserEdits } from './userEdits';

export const LOG_FILE = 'events.jsonl';
export const USER_FILE = 'user.json';
const DEFAULT_CRASH_AFTER_MS = 120_000;
/** Tunables; tests lower them to reach rare paths with small logs. */
export const limits = {
  /** A run with this many unwritten points is checkpointed mid-file, so memory stays bounded on huge logs. */
  flushPoints: 1 << 20,
  /** New log bytes in one pass from which parsing moves to worker threads. */
  workerBytes: 64 << 20,
};
const STAT_BATCH = 256;

interface CachedRun extends StoredRun {
  summary?: RunSummary;
  crashed?: RunSummary;
}

interface Candidate {
  id: string;
  root: string;
  dir: string;
}

function errorText(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e?.code ? `${e.code}: ${e.message}` : err instanceof Error ? err.message : String(err);
}

function statQuiet(path: string): Stats | undefined {
  return statSync(path, { throwIfNoEntry: false });
}

async function statOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch {
    return undefined;
  }
}

/**
 * Reads the persisted index into a buffer with room to grow (about an eighth more), so sql.js can use it
 * without another copy of the whole file.
 */
async function readWithRoom(path: string): Promise<{ room: Uint8Array; size: number }> {
  const handle = await open(path, 'r');
  try {
    const size = (await handle.stat()).size;
    // Unzeroed: the file fills the start; only the room after it is cleared (SQLite must find zeros there).
    // A Buffer, so sql.js adopts it as the database file without copying (see openImage).
    const room = Buffer.allocUnsafeSlow(size + Math.floor(size / 8) + (16 << 20));
    let at = 0;
    while (at < size) {
      const { bytesRead } = await handle.read(room, at, size - at, at);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    room.fill(0, at);
    return { room, size: at };
  } finally {
    await handle.close();
  }
}

export async function openStore(options: StoreOptions): Promise<RunStore> {
  const runtime = await loadSqlJs(options.wasmPath);
  let bytes: Uint8Array | undefined;
  let damaged: string | undefined;
  if (options.dbPath !== undefined) {
    try {
      const { room, size } = await readWithRoom(options.dbPath);
      const sealed = unseal(room, size);
      if ('problem' in sealed) damaged = sealed.problem;
      else bytes = room;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') damaged = errorText(err);
    }
  }
  const { db, runs, rebuilt } = IndexDb.open(runtime, bytes);
  return new SqlRunStore(options, db, runs, damaged ?? rebuilt);
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
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  /** Downsampled series already served, valid while their SeriesMeta object is current (see seriesCache.ts). */
  private readonly seriesCache = new SeriesCache();

  constructor(
    private readonly options: StoreOptions,
    private readonly db: IndexDb,
    runs: Map<string, StoredRun>,
    rebuilt?: string,
  ) {
    this.runs = runs;
    this.crashAfterMs = options.crashAfterMs ?? DEFAULT_CRASH_AFTER_MS;
    this.now = options.now ?? Date.now;
    this.dirty = rebuilt !== undefined;
    if (rebuilt !== undefined && options.dbPath !== undefined) {
      this.notes.push({ file: options.dbPath, reason: `index rebuilt from the logs (${rebuilt})` });
    }
  }

  /** Runs `task` after everything queued before it, so passes, persists and close never interleave. */
  private serial<T>(task: () => Promise<T>): Promise<T> {
    const next = this.queue.then(task, task);
    this.queue = next.catch(() => undefined);
    return next;
  }

  index(signal?: AbortSignal, onProgress?: (done: number, total: number) => void): Promise<IndexReport> {
    return this.serial(() => this.indexPass(signal, onProgress));
  }

  indexRuns(runIds: string[], signal?: AbortSignal): Promise<IndexReport> {
    return this.serial(() => this.indexPass(signal, undefined, runIds));
  }

  /** Where runs with these ids live: known runs where they were, new ones under the first root that has them. */
  private locate(runIds: string[]): Candidate[] {
    const out: Candidate[] = [];
    for (const id of new Set(runIds)) {
      // An id is a folder name; anything that could climb out of runs/ is not one.
      if (id === '' || id === '.' || id === '..' || /[\\/]/.test(id)) continue;
      const cached = this.runs.get(id);
      if (cached !== undefined) {
        out.push({ id, root: cached.state.root, dir: cached.state.dir });
        continue;
      }
      const root = this.options.roots.find((r) => statQuiet(join(r, 'runs', id))?.isDirectory());
      if (root !== undefined) out.push({ id, root, dir: join(root, 'runs', id) });
    }
    return out;
  }

  private async discover(general: Diagnostic[]): Promise<Candidate[]> {
    const out: Candidate[] = [];
    const seen = new Map<string, string>();
    for (const root of this.options.roots) {
      const runsDir = join(root, 'runs');
      let entries;
      try {
        entries = await readdir(runsDir, { withFileTypes: true });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') general.push({ file: runsDir, reason: `cannot list runs (${errorText(err)})` });
        continue;
      }
      for (const e of entries) {
        if (!e.isDirectory() && !e.isSymbolicLink()) continue;
        const dir = join(runsDir, e.name);
        const other = seen.get(e.name);
        if (other !== undefined) {
          general.push({ file: dir, reason: `run id ${e.name} is also in ${other}; this copy is ignored` });
          continue;
        }
        seen.set(e.name, dir);
        out.push({ id: e.name, root, dir });
      }
    }
    return out;
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
    let done = 0;
    onProgress?.(0, candidates.length);
    // Room for what a cold (or large) pass will add: points take about 0.4 bytes per byte of log.
    const newBytes = await this.logBytes(candidates);
    this.db.reserve(newBytes * 0.4);
    const pool = newBytes >= limits.workerBytes ? ParsePool.create() : undefined;
    const inFlight = new Set<Promise<void>>();
    try {
      for (let b = 0; b < candidates.length && !signal?.aborted; b += STAT_BATCH) {
        if (b > 0) await new Promise((resolve) => setImmediate(resolve));
        const batch = candidates.slice(b, b + STAT_BATCH);
        // Synchronous stat on purpose: for a warm pass that is nearly all the work, and the threadpool round
        // trip of async stat costs ten times more. Batches are small and the loop yields between them.
        const stats = batch.map((c) => [statQuiet(join(c.dir, LOG_FILE)), statQuiet(join(c.dir, USER_FILE))] as const);
        for (let i = 0; i < batch.length && !signal?.aborted; i++) {
          const c = batch[i];
          const [logStat, userStat] = stats[i];
          const cached = this.runs.get(c.id);
          if (logStat === undefined || !logStat.isFile()) {
            // A folder without a log is a run being created (or not a run): nothing to show yet.
            if (cached !== undefined) this.removeRun(c.id, report);
            onProgress?.(++done, candidates.length);
            continue;
          }
          const userMtime = userStat?.mtimeMs ?? -1;
          const unchanged = cached !== undefined && cached.file.size === logStat.size && cached.file.mtimeMs === logStat.mtimeMs && cached.file.userMtimeMs === userMtime && cached.state.root === c.root;
          if (unchanged) {
            onProgress?.(++done, candidates.length);
            continue;
          }
          const task = this.indexRun(c, logStat, userStat, report, general, signal, pool).finally(() => {
            inFlight.delete(task);
            onProgress?.(++done, candidates.length);
          });
          inFlight.add(task);
          if (inFlight.size >= (pool === undefined ? 1 : pool.size + 1)) await Promise.race(inFlight);
        }
      }
      await Promise.all(inFlight);
    } finally {
      await Promise.all(inFlight);
      await pool?.close();
    }
    if (only === undefined) {
      this.general = general;
    } else {
      // A partial pass only adds to what the last full pass found.
      const known = new Set(this.general.map((d) => `${d.file}\n${d.reason}`));
      this.general.push(...general.filter((d) => !known.has(`${d.file}\n${d.reason}`)));
    }
    report.diagnostics.push(...this.notes, ...general);
    this.notes = [];
    report.runs = this.runs.size;
    report.ms = Math.round(performance.now() - started);
    return report;
  }

  /** Total size of the candidates' logs, by stat (cheap; only used to size the index up front). */
  private async logBytes(candidates: Candidate[]): Promise<number> {
    if (this.runs.size >= candidates.length) return 0;
    let total = 0;
    for (let b = 0; b < candidates.length; b += STAT_BATCH) {
      const sizes = await Promise.all(candidates.slice(b, b + STAT_BATCH).map((c) => (this.runs.has(c.id) ? 0 : statOrUndefined(join(c.dir, LOG_FILE)).then((s) => s?.size ?? 0))));
      for (const s of sizes) total += s;
    }
    return total;
  }

  private removeRun(id: string, report: IndexReport): void {
    this.db.transaction(() => this.db.deleteRun(id));
    this.runs.delete(id);
    report.removedRuns.push(id);
    this.dirty = true;
  }

  private async indexRun(c: Candidate, logStat: Stats, userStat: Stats | undefined, report: IndexReport, general: Diagnostic[], signal?: AbortSignal, pool?: ParsePool): Promise<void> {
    const cached = this.runs.get(c.id);
    const path = join(c.dir, LOG_FILE);
    const sameRoot = cached !== undefined && cached.state.root === c.root;
    let state: RunState = sameRoot ? structuredClone(cached.state) : newRunState(c.id, c.root, c.dir);
    let file: FileState = sameRoot ? { ...cached.file } : newFileState(path);
    let series = new Map<string, SeriesMeta>();
    if (sameRoot) for (const [k, m] of cached.series) series.set(k, { ...m });
    let reset = !sameRoot;
    const passDetails: Array<{ line: number; reason: string }> = [];
    let passCount = 0;
    let committed = false;

    let handle;
    try {
      handle = await open(path, 'r');
    } catch (err) {
      general.push({ file: path, reason: `cannot read the log (${errorText(err)})` });
      return;
    }
    try {
      const fingerprint = await fingerprintOf(handle);
      if (!reset && (logStat.size < file.offset || !fingerprint.startsWith(file.fingerprint))) {
        // Truncated or replaced: what we indexed no longer describes this file.
        reset = true;
      }
      if (reset) {
        state = newRunState(c.id, c.root, c.dir);
        file = newFileState(path);
        series = new Map();
      }
      file.fingerprint = fingerprint;
      file.path = path;

      const userMtime = userStat?.mtimeMs ?? -1;
      if (file.userMtimeMs !== userMtime) {
        delete state.user;
        delete state.userProblem;
        if (userStat !== undefined) {
          try {
            const parsed = parseUserEdits(await readFile(join(c.dir, USER_FILE), 'utf8'));
            if (parsed.edits !== undefined) state.user = parsed.edits;
            if (parsed.problem !== undefined) state.userProblem = parsed.problem;
          } catch (err) {
            state.userProblem = `cannot read user.json (${errorText(err)})`;
          }
        }
        file.userMtimeMs = userMtime;
      }

      // Commits one part: its points, the state and the offset it reached, in one transaction.
      const commit = (part: ParsedPart): void => {
        state = part.state;
        file = part.file;
        if (part.complete) {
          file.size = logStat.size;
          file.mtimeMs = logStat.mtimeMs;
        }
        let added = 0;
        this.db.transaction(() => {
          if (reset) this.db.deleteRunData(c.id);
          for (const col of part.columns) {
            if (col.length === 0) continue;
            let meta = series.get(col.key);
            if (meta === undefined) series.set(col.key, (meta = emptyMeta()));
            this.db.appendSeries(c.id, col.key, meta, col);
            added += col.length;
          }
          this.db.writeRun(state, state.status ?? 'running', { params: true, tags: true, artifacts: true, problems: true });
          this.db.writeFile(c.id, file);
        });
        report.points += added;
        reset = false;
        committed = true;
        passCount += part.count;
        for (const d of part.details) if (passDetails.length < REPORT_DETAILS) passDetails.push(d);
        this.runs.set(c.id, { state: structuredClone(state), file: { ...file }, series: new Map([...series].map(([k, m]) => [k, { ...m }])) });
        this.dirty = true;
      };

      const job: ParseJob = { end: logStat.size, state, file, flushPoints: limits.flushPoints };
      if (pool !== undefined && pool.usable) {
        await handle.close();
        handle = undefined;
        try {
          await pool.run(path, job, (part) => {
            commit(part);
            return !signal?.aborted;
          });
        } catch (err) {
          if (pool.usable) throw err;
          // The worker died: what it sent is committed; finish this run here from where it stopped.
          return await this.indexRun(c, logStat, userStat, report, general, signal);
        }
      } else {
        for await (const part of parseRun(handle, job, () => signal?.aborted === true)) commit(part);
      }
      report.changedRuns.push(c.id);
      if (passCount > 0) {
        report.diagnostics.push({ file: path, line: passDetails[0].line, reason: passDetails[0].reason, count: passCount, lines: passDetails });
      }
    } catch (err) {
      general.push({ file: path, reason: `indexing failed (${errorText(err)})` });
      if (committed && !report.changedRuns.includes(c.id)) report.changedRuns.push(c.id);
    } finally {
      await handle?.close().catch(() => undefined);
    }
  }

  private summaryOf(run: CachedRun): RunSummary {
    if (run.summary === undefined) {
      const { state, file } = run;
      const metrics: Record<string, MetricSummary> = {};
      let lastStep: number | undefined;
      for (const [key, m] of run.series) {
        setOwn(metrics, key, toSummary(m));
        if (!key.startsWith('system/') && m.count > 0 && (lastStep === undefined || m.lastStep > lastStep)) lastStep = m.lastStep;
      }
      const startTime = state.startTime ?? state.firstTime ?? file.mtimeMs;
      const user = state.user;
      const s: RunSummary = {
        id: state.id,
        root: state.root,
        dir: state.dir,
        name: user?.name ?? state.name ?? state.id,
        project: state.project ?? '',
        tags: user?.tags ?? state.tags,
        status: state.status ?? 'running',
        startTime,
        lastUpdate: state.lastUpdate ?? startTime,
        params: state.params,
        metrics,
        summary: state.summary,
      };
      if (state.group !== undefined) s.group = state.group;
      if (state.parent !== undefined) s.parent = state.parent;
      const notes = user?.notes ?? state.notes;
      if (notes !== undefined) s.notes = notes;
      if (state.endTime !== undefined) s.endTime = state.endTime;
      if (state.lastHeartbeat !== undefined) s.lastHeartbeat = state.lastHeartbeat;
      if (state.exitCode !== undefined) s.exitCode = state.exitCode;
      if (state.error !== undefined) s.error = state.error;
      if (lastStep !== undefined) s.lastStep = lastStep;
      if (state.env.git?.commit !== undefined) s.gitCommit = state.env.git.commit;
      if (state.env.git?.dirty !== undefined) s.gitDirty = state.env.git.dirty;
      if (user?.starred !== undefined) s.starred = user.starred;
      if (user?.archived !== undefined) s.archived = user.archived;
      run.summary = s;
    }
    const s = run.summary;
    if (s.status === 'running' && this.now() - s.lastUpdate > this.crashAfterMs) {
      run.crashed ??= { ...s, status: 'crashed' as RunStatus };
      return run.crashed;
    }
    return s;
  }

  listRuns(query?: RunQuery): RunSummary[] {
    const all: RunSummary[] = [];
    for (const run of this.runs.values()) all.push(this.summaryOf(run));
    return queryRuns(all, query);
  }

  getRun(id: string): RunDetail | undefined {
    const run = this.runs.get(id);
    if (run === undefined) return undefined;
    const { state } = run;
    const detail: RunDetail = {
      ...this.summaryOf(run),
      argv: state.argv,
      env: state.env,
      artifacts: state.artifacts,
      overrides: state.overrides,
    };
    if (state.cwd !== undefined) detail.cwd = state.cwd;
    if (state.executable !== undefined) detail.executable = state.executable;
    return detail;
  }

  metricKeys(runIds?: string[]): string[] {
    const keys = new Set<string>();
    const runs = runIds === undefined ? this.runs.values() : runIds.map((id) => this.runs.get(id));
    for (const run of runs) if (run !== undefined) for (const k of run.series.keys()) keys.add(k);
    return [...keys].sort();
  }

  series(req: SeriesRequest): Series[] {
    const out: Series[] = [];
    const byTime = req.x === 'time';
    for (const runId of req.runIds) {
      const run = this.runs.get(runId);
      if (run === undefined) continue;
      for (const key of req.keys) {
        const meta = run.series.get(key);
        if (meta === undefined || meta.chunks === 0) continue;
        const cacheKey = SeriesCache.keyOf(runId, key, req);
        const cached = cacheKey === undefined ? undefined : this.seriesCache.get(cacheKey, meta);
        if (cached !== undefined) {
          out.push(cached);
          continue;
        }
        try {
          const s = this.readSeries(runId, key, meta, req, byTime);
          if (cacheKey !== undefined) this.seriesCache.set(cacheKey, meta, s);
          out.push(s);
        } catch (err) {
          // A damaged chunk must not take the chart down with it; the next full reindex repairs it.
          this.general.push({ file: join(run.state.dir, LOG_FILE), reason: `cannot read ${key} from the index (${errorText(err)})` });
        }
      }
    }
    return out;
  }

  private readSeries(runId: string, key: string, meta: SeriesMeta, req: SeriesRequest, byTime: boolean): Series {
    if (meta.monotone && req.range === undefined && req.afterStep === undefined) {
      // The full view, the common case: decode only the values, then steps and times of the points kept.
      const lazy = this.db.readValues(runId, key, meta.chunks * CHUNK_POINTS);
      if (lazy !== undefined) {
        const idx = downsampleIndices(lazy.values, req.points);
        const { steps, times } = stepsAndTimes(lazy, idx);
        const [values] = gather(idx, lazy.values);
        return { runId, key, steps, times, values, total: lazy.values.length };
      }
    }
    const [lo, hi] = req.range ?? [-Infinity, Infinity];
    const after = req.afterStep;
    // Chunk-level pruning is only sound when no later chunk can overwrite an earlier step.
    const filter = meta.monotone
      ? {
          ...(byTime ? {} : { stepMin: Math.max(lo, after !== undefined ? after + 1e-9 : -Infinity), stepMax: hi }),
          ...(byTime ? { timeMin: lo, timeMax: hi, ...(after !== undefined ? { stepMin: after + 1e-9 } : {}) } : {}),
        }
      : {};
    for (const k of Object.keys(filter) as Array<keyof typeof filter>) if (!Number.isFinite(filter[k])) delete filter[k];
    let cols = this.db.readChunks(runId, key, meta.chunks * CHUNK_POINTS, filter);
    if (!meta.monotone) cols = dedupeSteps(cols.steps, cols.times, cols.values);
    let { steps, times, values } = cols;
    if (req.range !== undefined || after !== undefined) {
      const x = byTime ? times : steps;
      let k = 0;
      const keep = new Uint32Array(steps.length);
      for (let i = 0; i < steps.length; i++) {
        if (x[i] >= lo && x[i] <= hi && (after === undefined || steps[i] > after)) keep[k++] = i;
      }
      if (k !== steps.length) [steps, times, values] = gather(keep.subarray(0, k), steps, times, values);
    }
    const total = steps.length;
    const idx = downsampleIndices(values, req.points);
    if (idx.length !== total) [steps, times, values] = gather(idx, steps, times, values);
    else [steps, times, values] = [steps.slice(), times.slice(), values.slice()];
    return { runId, key, steps, times, values, total };
  }

  paramsDiff(runIds: string[]): ParamsDiffRow[] {
    return diffParams(runIds.map((id) => this.runs.get(id)?.state));
  }

  diagnostics(): Diagnostic[] {
    const out: Diagnostic[] = [];
    for (const run of this.runs.values()) {
      const { problems } = run.state;
      if (problems.count > 0) {
        const first = problems.first[0];
        const more = problems.count - 1;
        out.push({
          file: run.file.path,
          line: first.line,
          reason: more > 0 ? `${first.reason} (and ${more} more bad line${more === 1 ? '' : 's'})` : first.reason,
          count: problems.count,
          lines: problems.first,
        });
      }
      if (run.state.userProblem !== undefined) out.push({ file: join(run.state.dir, USER_FILE), reason: run.state.userProblem });
    }
    return [...out, ...this.general];
  }

  persist(): Promise<void> {
    return this.serial(async () => {
      const target = this.options.dbPath;
      if (target === undefined || !this.dirty || this.closed) return;
      this.db.writeSnapshot(this.runs);
      const bytes = this.db.export();
      await mkdir(dirname(target), { recursive: true });
      const temp = `${target}.${process.pid}.${Date.now()}.tmp`;
      try {
        await writeSealed(temp, bytes);
        await rename(temp, target);
      } catch (err) {
        await unlink(temp).catch(() => undefined);
        throw err;
      }
      this.dirty = false;
    });
  }

  close(): Promise<void> {
    return this.serial(async () => {
      if (this.closed) return;
      this.closed = true;
      this.seriesCache.clear();
      this.db.close();
    });
  }
}
