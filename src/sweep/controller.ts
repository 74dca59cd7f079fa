// The sweep controller: proposes configurations, skips those that already ran at this code, launches the rest on
// a launcher, follows their runs through the store, stops the ones ASHA prunes, and records every step in the
// sweep folder so a killed controller's successor goes on where it stopped. Shared by the CLI and the extension.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { openStore, type RunStore } from '../store';
import { argsJson, buildCommand } from './command';
import { cleanCommit, lossOf, metricValue, ranAtCommit, warmStart, type PastConfig } from './history';
import { Asha, rungs } from './hyperband';
import type { Job, Launcher, LaunchRequest } from './launchers/launcher';
import { LocalLauncher } from './launchers/local';
import { SlurmLauncher } from './launchers/slurm';
import { gridSize, makeSearcher, type Observation } from './search';
import { configKey, nest, type Params } from './space';
import { parseSweep, type SweepSpec } from './spec';
import { appendEvent, PAUSE_FILE, readRecord, readTrials, STOP_FILE, sweepDir, writeRecord, type Outcome, type SweepRecord, type SweepStatus, type Trial, type TrialEvent } from './state';

export interface SweepOptions {
  file: string;
  root: string;
  /** Overrides the file's launcher. */
  launcher?: 'local' | 'slurm';
  /** `${interpreter}`: default python3. */
  interpreter?: string;
  /** Progress lines for a terminal or an output channel. */
  log?: (line: string) => void;
  /** Aborting stops the running trials and leaves the sweep `stopped` (resumable). */
  signal?: AbortSignal;
  pollMs?: number;
  /** SIGTERM → SIGKILL grace for stopped trials (ms). */
  graceMs?: number;
  /** The trials' environment, before the sweep's own variables (default: this process's). */
  env?: Record<string, string | undefined>;
  /** Told the sweep's id once its record is written (before any trial launches). */
  onStart?: (id: string) => void;
}

export interface SweepResult {
  sweep: string;
  status: SweepStatus;
  reason?: string;
  trials: number;
  launched: number;
  skipped: number;
  pruned: number;
  failed: number;
  best?: { run: string; params: Params; value: number };
}

/** Same file path and content, same sweep: running it again resumes it. */
export function sweepId(file: string, text: string): string {
  const stem = basename(file).replace(/\.(ya?ml)$/i, '').replace(/\.sweep$/i, '').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 60) || 'sweep';
  return `${stem}-${createHash('sha256').update(resolve(file)).update('\0').update(text).digest('hex').slice(0, 8)}`;
}

/** A run id in the logger's own form (UTC stamp and 8 hex digits), so trial runs sort with the rest. */
function newRunId(): string {
  const d = new Date();
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}-${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}-${randomBytes(4).toString('hex')}`;
}

/** The last line a trial printed (its error, usually), cut to one short line. */
async function lastLine(file: string): Promise<string | undefined> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const line = text.slice(-4096).trim().split('\n').pop()?.trim();
  return line ? line.slice(0, 300) : undefined;
}

function definedOnly(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Sweeps this process is running now (an extension host or a test runs controllers in-process). */
const active = new Set<string>();

export function controllerAlive(record: SweepRecord): boolean {
  const c = record.controller;
  if (c === undefined || c.host !== hostname() || record.status !== 'running') return false;
  return c.pid === process.pid ? active.has(record.id) : pidAlive(c.pid);
}

/** Reads, validates and checks a sweep file: everything that must be right before anything launches. */
export async function loadSweep(file: string, launcherKind?: 'local' | 'slurm'): Promise<{ spec: SweepSpec; text: string; cwd: string; launcher: Launcher }> {
  const text = await readFile(file, 'utf8');
  const spec = parseSweep(text, file);
  const cwd = dirname(resolve(file));
  if (spec.program !== undefined) {
    const program = resolve(cwd, spec.program);
    const s = await stat(program).catch(() => undefined);
    if (!s?.isFile()) throw new Error(`${file}: program ${spec.program} does not exist (looked for ${program})`);
  }
  const kind = launcherKind ?? spec.launcher.type;
  const launcher = kind === 'slurm' ? new SlurmLauncher(spec.launcher.type === 'slurm' ? spec.launcher.slurm : { args: [] }) : new LocalLauncher();
  await launcher.check();
  return { spec, text, cwd, launcher };
}

interface Running {
  trial: Trial;
  job: Job;
  /** The GPU it was given (CUDA_VISIBLE_DEVICES), when the sweep hands them out. */
  gpu?: string;
  pruned: boolean;
  stopping: boolean;
  exit?: { exitCode: number | null; signal?: string };
}

export async function runSweep(opts: SweepOptions): Promise<SweepResult> {
  const file = resolve(opts.file);
  const { spec, text, cwd, launcher } = await loadSweep(file, opts.launcher);
  if (opts.launcher === 'local' && opts.graceMs !== undefined) Object.assign(launcher, { graceMs: opts.graceMs });
  const log = opts.log ?? (() => undefined);
  const pollMs = opts.pollMs ?? 250;
  const id = sweepId(file, text);
  const dir = sweepDir(opts.root, id);
  await mkdir(join(dir, 'trials'), { recursive: true });
  const now = Date.now();
  const previous = await readRecord(dir);
  if (previous && controllerAlive(previous)) throw new Error(`sweep ${id} is already running (controller pid ${previous.controller?.pid})`);
  const record: SweepRecord = {
    id, file, name: spec.name, method: spec.method, metric: spec.metric, runCap: spec.runCap, created: previous?.created ?? now, updated: now,
    status: 'running', controller: { pid: process.pid, host: hostname() }, launcher: launcher.kind,
    total: spec.method === 'grid' ? Math.min(gridSize(spec.space), spec.runCap ?? Infinity) : spec.runCap,
  };
  // Running the sweep is the user's word that it should go on: an old stop or pause no longer holds.
  await rm(join(dir, STOP_FILE), { force: true });
  await rm(join(dir, PAUSE_FILE), { force: true });
  await writeRecord(dir, record);
  opts.onStart?.(id);
  log(`sweep ${id}: ${previous ? 'resuming' : 'starting'} (${spec.method}, ${launcher.kind} launcher, concurrency ${spec.concurrency})`);

  const replay = await readTrials(dir);
  for (const p of replay.problems) log(p);
  const trials = replay.trials;
  const store = await openStore({ roots: [opts.root], dbPath: join(opts.root, 'index.sqlite') });
  const running = new Map<number, Running>();
  let wake: () => void = () => undefined;
  const event = async (e: TrialEvent): Promise<void> => appendEvent(dir, e);
  active.add(id);
  try {
    await store.index();
    const objective = spec.metric;
    const commit = await cleanCommit(cwd);
    const past = ranAtCommit(store.listRuns(), spec.space, commit, objective);
    const warm = objective ? warmStart(store.listRuns(), spec.space, objective, id) : [];
    if (warm.length > 0) log(`warm start: ${warm.length} past run(s) fit the space`);
    const searcher = makeSearcher(spec.method, spec.space, spec.seed);
    const asha = spec.earlyTerminate && objective ? new Asha(rungs(spec.earlyTerminate), spec.earlyTerminate.eta, objective.goal) : undefined;
    asha?.restore(replay.rungs);

    const end = async (t: Trial, outcome: Outcome, value?: number, reason?: string): Promise<void> => {
      Object.assign(t, { outcome, value, reason, ended: Date.now() });
      await event({ t: 'end', n: t.n, outcome, value, reason, ts: Date.now() });
      log(`trial ${t.n} ${outcome}${value !== undefined ? ` ${objective?.name}=${value}` : ''}${reason ? `: ${reason}` : ''} (run ${t.run})`);
    };

    const judge = async (t: Trial, exit: Running['exit'], pruned: boolean, stopped: boolean): Promise<void> => {
      await store.indexRuns?.([t.run]);
      const run = store.getRun(t.run);
      const value = run && objective ? metricValue(run, objective.name) : undefined;
      if (pruned) return end(t, 'pruned', value);
      if (stopped) return end(t, 'stopped', undefined, 'the sweep was stopped');
      if (run?.status === 'finished' && (exit?.exitCode === 0 || exit?.exitCode === null)) return end(t, 'finished', value);
      if (!run) return end(t, 'failed', undefined, `the program wrote no run${exit?.exitCode !== undefined ? ` (exit code ${exit.exitCode})` : ''}; does it call trackside.init()? see ${join(dir, 'trials', `${t.n}.log`)}`);
      const said = run.error?.message ?? (await lastLine(join(dir, 'trials', `${t.n}.log`)));
      const why = `${exit?.signal ? `killed by ${exit.signal}` : `exit code ${exit?.exitCode ?? 'unknown'}`}${said ? `: ${said}` : ''}`;
      return end(t, 'failed', value, why);
    };

    const watch = (r: Running): void => {
      void r.job.done.then((exit) => {
        r.exit = exit;
        wake();
      });
    };

    // Trials a previous controller left running: re-attach, or settle them from their runs.
    for (const t of trials.values()) {
      if (t.outcome !== undefined) continue;
      const job = t.job ? await launcher.attach(t.job, join(dir, 'trials', `${t.n}.log`)) : await launcher.adopt?.(t.run);
      if (job && !t.job) {
        // Started, but the controller died before it recorded the job: record it now, so a later restart finds it.
        t.job = job.id;
        await event({ t: 'job', n: t.n, job: job.id, ts: Date.now() });
      }
      if (job) {
        const r: Running = { trial: t, job, pruned: false, stopping: false };
        running.set(t.n, r);
        watch(r);
        log(`trial ${t.n}: re-attached to job ${job.id} (run ${t.run})`);
        continue;
      }
      await store.indexRuns?.([t.run]);
      const run = store.getRun(t.run);
      if (run?.status === 'finished') await end(t, 'finished', objective ? metricValue(run, objective.name) : undefined);
      else await end(t, 'lost', undefined, 'its controller stopped before it ended');
    }

    const counted = (): Trial[] => [...trials.values()].filter((t) => t.outcome !== 'lost' && t.outcome !== 'stopped');
    let consecutiveFailures = 0;
    for (const t of [...trials.values()].sort((a, b) => a.n - b.n)) {
      if (t.outcome === 'failed') consecutiveFailures++;
      else if (t.outcome === 'finished' || t.outcome === 'pruned') consecutiveFailures = 0;
    }
    let nextN = trials.size === 0 ? 0 : Math.max(...trials.keys()) + 1;
    let exhausted = false;
    let status: SweepStatus = 'running';
    let reason: string | undefined;
    const stopFile = join(dir, STOP_FILE);
    const pauseFile = join(dir, PAUSE_FILE);
    let paused = false;
    let lastTick = 0;

    interface Prepared {
      t: Trial;
      req: LaunchRequest;
      gpu?: string;
    }

    /** Records a proposed trial: skipped when it already ran at this commit, else ready to launch. */
    const prepare = async (params: Params, planned: readonly Prepared[]): Promise<Prepared | undefined> => {
      const n = nextN++;
      const key = configKey(params);
      const before: PastConfig | undefined = past.get(key);
      if (before) {
        const t: Trial = { n, run: before.run, params, outcome: 'skipped', value: before.value, started: Date.now(), ended: Date.now() };
        trials.set(n, t);
        await event({ t: 'skip', n, run: before.run, params, value: before.value, ts: Date.now() });
        log(`trial ${n} skipped: run ${before.run} already ran ${JSON.stringify(params)} at this commit`);
        return undefined;
      }
      const run = newRunId();
      const logFile = join(dir, 'trials', `${n}.log`);
      const jsonFile = join(dir, 'trials', `${n}.json`);
      await writeFile(jsonFile, argsJson(params));
      const argv = buildCommand(spec.command, params, { program: spec.program, interpreter: opts.interpreter ?? 'python3', argsJsonFile: jsonFile });
      const env: Record<string, string> = {
        ...definedOnly(opts.env ?? process.env),
        TRACKSIDE_DIR: resolve(opts.root),
        TRACKSIDE_RUN_ID: run,
        TRACKSIDE_GROUP: id,
        TRACKSIDE_SWEEP: id,
        TRACKSIDE_CONFIG_OVERRIDES: JSON.stringify(nest(params)),
      };
      // The GPU fewest running (or planned) trials use (the first such): slots share GPUs only when there are more slots.
      let gpu: string | undefined;
      if (spec.gpus.length > 0) {
        const load = (g: string): number => [...running.values(), ...planned].filter((r) => r.gpu === g).length;
        gpu = spec.gpus.reduce((best, g) => (load(g) < load(best) ? g : best), spec.gpus[0]);
        env.CUDA_VISIBLE_DEVICES = gpu;
      }
      const t: Trial = { n, run, params, started: Date.now() };
      trials.set(n, t);
      await event({ t: 'trial', n, run, params, ts: Date.now() });
      return { t, gpu, req: { n, argv, cwd, env, logFile, name: `trackside-${id}-${n}` } };
    };

    const launched = async ({ t, gpu }: Prepared, job: Job): Promise<void> => {
      t.job = job.id;
      await event({ t: 'job', n: t.n, job: job.id, ts: Date.now() });
      log(`trial ${t.n} launched: run ${t.run}, job ${job.id}, ${JSON.stringify(t.params)}`);
      const r: Running = { trial: t, job, gpu, pruned: false, stopping: false };
      running.set(t.n, r);
      watch(r);
    };

    /** Starts prepared trials: one job each, or one batch (a SLURM job array) when the launcher takes batches. */
    const start = async (batch: Prepared[]): Promise<void> => {
      if (batch.length === 0) return;
      let jobs: Job[];
      try {
        jobs = batch.length > 1 && launcher.startBatch ? await launcher.startBatch(batch.map((p) => p.req)) : [await launcher.start(batch[0].req)];
      } catch (err) {
        for (const p of batch) await end(p.t, 'failed', undefined, `could not launch: ${(err as Error).message}`);
        consecutiveFailures += batch.length;
        return;
      }
      for (let i = 0; i < batch.length; i++) await launched(batch[i], jobs[i]);
    };

    const observations = (): Observation[] => {
      const out: Observation[] = [...warm];
      for (const t of trials.values()) {
        if (t.outcome === 'finished' || t.outcome === 'skipped') out.push({ params: t.params, loss: objective ? lossOf(t.value, objective.goal) : undefined });
      }
      return out;
    };

    for (;;) {
      // Settle the trials that ended.
      for (const [n, r] of [...running]) {
        if (r.exit === undefined) continue;
        running.delete(n);
        await judge(r.trial, r.exit, r.pruned, r.stopping && !r.pruned);
        if (r.trial.outcome === 'failed') consecutiveFailures++;
        else if (r.trial.outcome === 'finished' || r.trial.outcome === 'pruned') consecutiveFailures = 0;
      }
      const stopRequested = opts.signal?.aborted === true || (await stat(stopFile).then(() => true, () => false));
      const pauseNow = await stat(pauseFile).then(() => true, () => false);
      if (pauseNow !== paused && status === 'running') {
        paused = pauseNow;
        record.paused = paused || undefined;
        record.updated = Date.now();
        await writeRecord(dir, record);
        log(`sweep ${id}: ${paused ? `paused; ${running.size} running trial(s) go on, none is launched` : 'resumed'}`);
      }
      if (status === 'running') {
        if (stopRequested) {
          status = 'stopped';
          reason = 'stopped on request';
        } else if (consecutiveFailures >= spec.maxFailures) {
          status = 'failed';
          reason = `${consecutiveFailures} trials failed in a row (max_failures ${spec.maxFailures}); the last: ${[...trials.values()].sort((a, b) => b.n - a.n).find((t) => t.outcome === 'failed')?.reason ?? 'unknown'}`;
        }
        if (status !== 'running') {
          log(`sweep ${id}: ${reason}; stopping ${running.size} running trial(s)`);
          for (const r of running.values()) {
            r.stopping = true;
            void r.job.stop();
          }
        }
      }
      // Fill free slots. Grid and random proposals do not depend on results, so with a launcher that takes batches
      // every free slot's trial is proposed first and they start as one batch; TPE waits for each result.
      const batching = launcher.startBatch !== undefined && spec.method !== 'bayes';
      const batch: Prepared[] = [];
      while (status === 'running' && !paused && !exhausted && running.size + batch.length < spec.concurrency && (spec.runCap === undefined || counted().length < spec.runCap)) {
        const taken = new Set<string>();
        for (const t of trials.values()) if (t.outcome !== 'lost' && t.outcome !== 'stopped') taken.add(configKey(t.params));
        const pending = [...[...running.values()].map((r) => r.trial.params), ...batch.map((p) => p.t.params)];
        const params = searcher.propose({ trial: nextN, history: observations(), pending, taken });
        if (params === undefined) {
          exhausted = true;
          log(`sweep ${id}: the space has no configuration left to try`);
          break;
        }
        const prepared = await prepare(params, batch);
        if (!prepared) continue;
        batch.push(prepared);
        if (!batching) await start(batch.splice(0));
      }
      await start(batch.splice(0));
      if (running.size === 0) {
        if (status === 'running') {
          const done = exhausted || (spec.runCap !== undefined && counted().length >= spec.runCap);
          // Paused with nothing running: wait below for a resume or a stop instead of spinning.
          if (!done && !paused) continue;
          if (done) status = 'finished';
        }
        if (status !== 'running') break;
      }
      // Wait for an exit, or the next tick (stop file, ASHA).
      await new Promise<void>((res) => {
        const timer = setTimeout(res, pollMs);
        wake = () => {
          clearTimeout(timer);
          res();
        };
        if ([...running.values()].some((r) => r.exit !== undefined)) wake();
      });
      wake = () => undefined;
      if (asha && objective && status === 'running' && Date.now() - lastTick >= pollMs) {
        lastTick = Date.now();
        await pruneStep(store, asha, objective.name, running, dir, log);
      }
    }

    record.status = status;
    record.reason = reason;
    record.paused = undefined;
    record.updated = Date.now();
    await writeRecord(dir, record);
    log(`sweep ${id}: ${status}${reason ? ` (${reason})` : ''}`);
    return summarize(id, status, reason, trials, objective?.goal);
  } catch (err) {
    for (const r of running.values()) await r.job.stop().catch(() => undefined);
    record.status = 'failed';
    record.reason = (err as Error).message;
    record.updated = Date.now();
    await writeRecord(dir, record).catch(() => undefined);
    throw err;
  } finally {
    active.delete(id);
    await store.persist().catch(() => undefined);
    await store.close();
  }
}

async function pruneStep(store: RunStore, asha: Asha, metric: string, running: Map<number, Running>, dir: string, log: (l: string) => void): Promise<void> {
  const live = [...running.values()].filter((r) => !r.stopping && r.exit === undefined);
  if (live.length === 0) return;
  await store.indexRuns?.(live.map((r) => r.trial.run));
  for (const r of live) {
    const [s] = await store.series({ runIds: [r.trial.run], keys: [metric], points: Number.MAX_SAFE_INTEGER, x: 'step' });
    if (!s || s.steps.length === 0) continue;
    const { records, stop } = asha.observe(r.trial.n, s.steps, s.values);
    for (const rec of records) await appendEvent(dir, { t: 'rung', n: rec.trial, rung: rec.rung, value: rec.value, ts: Date.now() });
    if (stop) {
      const last = records[records.length - 1];
      log(`trial ${r.trial.n} pruned at step ${last.rung} (${metric}=${last.value})`);
      r.pruned = true;
      r.stopping = true;
      void r.job.stop();
    }
  }
}

export function summarize(id: string, status: SweepStatus, reason: string | undefined, trials: Map<number, Trial>, goal: 'minimize' | 'maximize' | undefined): SweepResult {
  const all = [...trials.values()];
  const count = (o: Outcome): number => all.filter((t) => t.outcome === o).length;
  let best: SweepResult['best'];
  for (const t of all) {
    if ((t.outcome !== 'finished' && t.outcome !== 'skipped') || t.value === undefined) continue;
    if (!best || (goal === 'maximize' ? t.value > best.value : t.value < best.value)) best = { run: t.run, params: t.params, value: t.value };
  }
  const counted = all.filter((t) => t.outcome !== 'lost' && t.outcome !== 'stopped');
  return {
    sweep: id, status, reason, trials: counted.length, launched: all.filter((t) => t.outcome !== 'skipped').length,
    skipped: count('skipped'), pruned: count('pruned'), failed: count('failed'), best,
  };
}
