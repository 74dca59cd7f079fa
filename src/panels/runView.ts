// Store records → what the webviews draw, and series packed for postMessage.
import type { RunView, SeriesData } from '../protocol/common';
import type { RunDetail, RunSummary, Series } from '../store/types';
import { commandLine } from '../shared/commandLine';

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
  if (run.ranks?.length) view.ranks = run.ranks.map((r) => ({ rank: r.rank, host: r.host, status: r.status, lastStep: r.lastStep, stepRate: r.stepRate }));
  if (run.hosts?.length) view.hosts = run.hosts;
  if (run.crashedRank) view.crashedRank = { rank: run.crashedRank.rank, host: run.crashedRank.host };
  if ('argv' in run) {
    if (run.argv.length > 0) view.command = commandLine(run.executable, run.argv);
    if (run.cwd) view.cwd = run.cwd;
    if (run.env.git?.branch) view.gitBranch = run.env.git.branch;
  }
  return view;
}

export function seriesData(s: Series): SeriesData {
  return { runId: s.runId, key: s.key, steps: s.steps, times: s.times, values: s.values, total: s.total };
}

/**
 * Copies every array of a message into one buffer and returns views into it. VS Code passes each distinct
 * ArrayBuffer of a webview message as a separate argument of one RPC call, and arguments past 255 are lost
 * (seen in code-server 4.100: a 100-run comparison arrived with 15 runs), so a message carries one buffer.
 */
export function packSeries(series: readonly SeriesData[]): SeriesData[] {
  let total = 0;
  for (const s of series) total += s.steps.length + s.times.length + s.values.length;
  const buffer = new Float64Array(total);
  let at = 0;
  const take = (a: Float64Array): Float64Array => {
    buffer.set(a, at);
    const view = buffer.subarray(at, at + a.length);
    at += a.length;
    return view;
  };
  return series.map((s) => ({ ...s, steps: take(s.steps), times: take(s.times), values: take(s.values) }));
}
