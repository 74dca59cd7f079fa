// What the workspace already knows: past runs as observations (warm start) and the configurations that already
// finished at the code the sweep would run (never launched again).
import { execFile } from 'node:child_process';
import type { ParamValue, RunSummary } from '../store';
import type { Observation } from './search';
import { configKey, fits, type Params, type Space } from './space';
import type { Goal } from './spec';

export interface Objective {
  name: string;
  goal: Goal;
}

/** A run's value of the sweep's metric: its summary value, else the metric's last point. */
export function metricValue(run: Pick<RunSummary, 'summary' | 'metrics'>, name: string): number | undefined {
  const s = run.summary[name];
  if (typeof s === 'number' && Number.isFinite(s)) return s;
  const last = run.metrics[name]?.last;
  return last !== undefined && Number.isFinite(last) ? last : undefined;
}

export function lossOf(value: number | undefined, goal: Goal): number | undefined {
  return value === undefined ? undefined : goal === 'maximize' ? -value : value;
}

/** The run's values of the space's parameters, when every one it has fits (missing ones are allowed, not wrong ones). */
function paramsIn(space: Space, params: Record<string, ParamValue>, requireAll: boolean): Params | undefined {
  const out: Params = {};
  for (const d of space.dims) {
    if (!(d.key in params)) {
      if (requireAll) return undefined;
      continue;
    }
    if (!fits(d, params[d.key])) return undefined;
    out[d.key] = params[d.key];
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Finished runs outside this sweep whose params fit the space: observations for TPE before its first trial. */
export function warmStart(runs: readonly RunSummary[], space: Space, objective: Objective, sweepGroup: string): Observation[] {
  const out: Observation[] = [];
  for (const r of runs) {
    if (r.status !== 'finished' || r.group === sweepGroup) continue;
    const params = paramsIn(space, r.params, false);
    const value = metricValue(r, objective.name);
    if (params && value !== undefined) out.push({ params, loss: lossOf(value, objective.goal) });
  }
  return out;
}

export interface PastConfig {
  run: string;
  value?: number;
}

/** Config key → the newest finished run of that configuration at `commit` (a clean tree on both sides). */
export function ranAtCommit(runs: readonly RunSummary[], space: Space, commit: string | undefined, objective: Objective | undefined): Map<string, PastConfig> {
  const out = new Map<string, PastConfig>();
  if (commit === undefined) return out;
  const sorted = [...runs].sort((a, b) => a.startTime - b.startTime);
  for (const r of sorted) {
    if (r.status !== 'finished' || r.gitCommit !== commit || r.gitDirty === true) continue;
    const params = paramsIn(space, r.params, true);
    if (!params) continue;
    out.set(configKey(params), { run: r.id, value: objective ? metricValue(r, objective.name) : undefined });
  }
  return out;
}

/** The commit the sweep's program is at, when its folder is a git work tree with no uncommitted change to tracked files. */
export function cleanCommit(cwd: string): Promise<string | undefined> {
  const git = (args: string[]): Promise<string | undefined> =>
    new Promise((resolve) => {
      execFile('git', ['-c', 'core.fsmonitor=', ...args], { cwd, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' }, timeout: 20_000 }, (err, stdout) =>
        resolve(err ? undefined : stdout.trim()),
      );
    });
  return Promise.all([git(['rev-parse', 'HEAD']), git(['status', '--porcelain', '--untracked-files=no'])]).then(([head, status]) =>
    head && status === '' ? head : undefined,
  );
}
