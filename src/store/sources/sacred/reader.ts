// One Sacred run folder. Times in run.json and metrics.json are naive ISO strings in UTC (Sacred uses
// datetime.utcnow()). The recorded command (the experiment's main file, the command and the `with` updates the
// user gave) becomes the run's argv, so a rerun starts it the same way.
import { isAbsolute, join } from 'node:path';
import type { LoggedStatus } from '../../ingest/runState';
import type { ForeignRead } from '../foreign/reader';
import { parsePythonJson } from '../foreign/json';
import { isRecord } from '../foreign/yaml';

const STATUS: Record<string, LoggedStatus | undefined> = { COMPLETED: 'finished', FAILED: 'failed', INTERRUPTED: 'killed', TIMEOUT: 'failed', RUNNING: undefined, QUEUED: undefined };

export async function readSacredRun(r: ForeignRead): Promise<void> {
  const b = r.builder;
  const state = b.state;
  if (r.changed('run.json')) {
    const run = await jsonOf(r, 'run.json');
    if (run !== undefined) {
      const status = typeof run.status === 'string' ? run.status : undefined;
      if (status !== undefined && !(status in STATUS)) b.problem('run.json', undefined, `unknown status ${JSON.stringify(status.slice(0, 20))}`);
      b.status(status === undefined ? undefined : STATUS[status]);
      const start = timeOf(run.start_time);
      const stop = timeOf(run.stop_time);
      const heartbeat = timeOf(run.heartbeat);
      if (start !== undefined) state.startTime = start;
      if (stop !== undefined) state.endTime = stop;
      if (heartbeat !== undefined) {
        state.lastHeartbeat = heartbeat;
        b.touched(heartbeat);
      }
      const experiment = isRecord(run.experiment) ? run.experiment : {};
      if (typeof experiment.name === 'string') state.project = experiment.name;
      state.name = `${typeof experiment.name === 'string' ? experiment.name : 'sacred'} #${r.run.dir.split(/[\\/]/).pop() ?? ''}`;
      const host = isRecord(run.host) ? run.host : {};
      state.env = {};
      if (typeof host.hostname === 'string') state.env.hostname = host.hostname;
      if (typeof host.python_version === 'string') state.env.python = { version: host.python_version };
      if (Array.isArray(host.os)) state.env.os = host.os.filter((x) => typeof x === 'string').join(' ');
      if (typeof host.cpu === 'string') state.env.cpu = host.cpu;
      const repo = Array.isArray(experiment.repositories) ? experiment.repositories.find(isRecord) : undefined;
      if (repo !== undefined) state.env.git = { ...(typeof repo.commit === 'string' ? { commit: repo.commit } : {}), ...(typeof repo.dirty === 'boolean' ? { dirty: repo.dirty } : {}), ...(typeof repo.url === 'string' ? { remote: repo.url } : {}) };
      if (Array.isArray(experiment.dependencies)) {
        const packages: Record<string, string> = {};
        for (const d of experiment.dependencies) if (typeof d === 'string' && d.includes('==')) packages[d.split('==')[0]] = d.split('==')[1];
        state.env.packages = packages;
      }
      if (run.result !== undefined && run.result !== null) b.summary('result', run.result);
      if (Array.isArray(run.fail_trace)) {
        const trace = run.fail_trace.filter((x) => typeof x === 'string').join('');
        const last = trace.trim().split('\n').pop() ?? '';
        const colon = last.indexOf(':');
        state.error = { traceback: trace.slice(-20_000), ...(colon > 0 ? { type: last.slice(0, colon), message: last.slice(colon + 1).trim() } : { message: last }) };
      } else delete state.error;
      commandOf(state, run, experiment);
    }
  }
  if (r.changed('config.json')) {
    const config = await jsonOf(r, 'config.json');
    state.params = {};
    if (config !== undefined) b.params(config);
  }
  if (r.changed('info.json')) {
    const info = await jsonOf(r, 'info.json');
    if (info !== undefined) for (const [k, v] of Object.entries(info)) b.summary(`info.${k}`, v);
  }
  // Rewritten whole: a change reads the run from the start (restartOn), so this is always a first read.
  if (r.changed('metrics.json')) {
    const metrics = await jsonOf(r, 'metrics.json');
    for (const [key, m] of Object.entries(metrics ?? {})) {
      if (!isRecord(m) || !Array.isArray(m.steps) || !Array.isArray(m.values)) {
        b.problem('metrics.json', undefined, `${JSON.stringify(key.slice(0, 60))} should hold steps and values lists; skipped`);
        continue;
      }
      const times = Array.isArray(m.timestamps) ? m.timestamps : [];
      const n = Math.min(m.steps.length, m.values.length);
      if (m.steps.length !== m.values.length) b.problem('metrics.json', undefined, `${JSON.stringify(key.slice(0, 60))} has ${m.steps.length} steps and ${m.values.length} values; the first ${n} kept`);
      for (let i = 0; i < n; i++) {
        const step = m.steps[i];
        const value = m.values[i];
        if (typeof step !== 'number' || (typeof value !== 'number' && value !== null)) continue;
        b.point(key, step, timeOf(times[i]) ?? state.startTime ?? NaN, value ?? NaN);
      }
    }
  }
  state.artifacts = [...r.files.values()].filter((f) => f.rel === 'cout.txt' || !['run.json', 'config.json', 'metrics.json', 'info.json'].includes(f.rel)).map((f) => ({ path: f.rel, size: f.size, time: f.mtimeMs, ...(f.rel === 'cout.txt' ? { kind: 'log' } : {}) }));
}

/** `python <mainfile> <command> with <updates…>` in the experiment's base folder: how Sacred's CLI started it. */
function commandOf(state: ForeignRead['builder']['state'], run: Record<string, unknown>, experiment: Record<string, unknown>): void {
  state.argv = [];
  delete state.cwd;
  const mainfile = typeof experiment.mainfile === 'string' ? experiment.mainfile : undefined;
  const command = typeof run.command === 'string' ? run.command : undefined;
  if (mainfile === undefined || command === undefined) return;
  const meta = isRecord(run.meta) ? run.meta : {};
  const options = isRecord(meta.options) ? meta.options : {};
  const updates = Array.isArray(options.UPDATE) ? options.UPDATE.filter((u): u is string => typeof u === 'string') : [];
  state.argv = [mainfile, command, ...(updates.length > 0 ? ['with', ...updates] : [])];
  const base = typeof experiment.base_dir === 'string' ? experiment.base_dir : undefined;
  if (base !== undefined && isAbsolute(base)) {
    state.cwd = base;
    if (!isAbsolute(mainfile)) state.argv[0] = join(base, mainfile);
  }
}

function timeOf(v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined;
  // Naive ISO times are UTC in Sacred.
  const t = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v}Z`);
  return Number.isFinite(t) ? t : undefined;
}

async function jsonOf(r: ForeignRead, rel: string): Promise<Record<string, unknown> | undefined> {
  const text = await r.whole(rel);
  if (text === undefined) return undefined;
  const parsed = parsePythonJson(text);
  if ('value' in parsed) return parsed.value;
  r.builder.problem(rel, parsed.line, parsed.problem, parsed.offset);
  return undefined;
}
