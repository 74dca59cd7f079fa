// Store records → what the webviews draw. Typed arrays are copied only when they are views into a larger
// buffer, since postMessage would otherwise ship the whole underlying buffer.
import type { RunView, SeriesData } from '../contract/messages';
import type { RunDetail, RunSummary, Series } from '../store/types';
import { commandLine } from '../charts/command';

export function runView(run: RunSummary | RunDetail, color: string): RunView {
  const view: RunView = {
    id: run.id,
    name: run.name || run.id,
    status: run.status,
    startTime: run.startTime,
    lastUpdate: run.lastUpdate,
    tags: run.tags,
    color,
  };
  if (run.endTime !== undefined) view.endTime = run.endTime;
  if (run.parent) view.parent = run.parent;
  if (run.gitCommit) view.gitCommit = run.gitCommit;
  if (run.gitDirty !== undefined) view.gitDirty = run.gitDirty;
  if (run.notes) view.notes = run.notes;
  if (run.error) view.error = [run.error.type, run.error.message].filter(Boolean).join(': ');
  if ('argv' in run) {
    if (run.argv.length > 0) view.command = commandLine(run.executable, run.argv);
    if (run.cwd) view.cwd = run.cwd;
    if (run.env.git?.branch) view.gitBranch = run.env.git.branch;
  }
  return view;
}

function own(a: Float64Array): Float64Array {
  return a.byteOffset === 0 && a.byteLength === a.buffer.byteLength ? a : a.slice();
}

export function seriesData(s: Series): SeriesData {
  return { runId: s.runId, key: s.key, steps: own(s.steps), times: own(s.times), values: own(s.values), total: s.total };
}

/**
 * Points per series: up to `max`, fewer when many series share the panel, so one message stays within a few MB
 * (three float64 arrays per point) and the first paint stays fast.
 */
export function pointsPerSeries(series: number, max: number): number {
  const budget = 600_000;
  return Math.max(200, Math.min(max, Math.floor(budget / Math.max(1, series))));
}
