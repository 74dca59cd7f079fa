// Which runs a listing's filter certainly leaves out, judged on what the store holds of them, before their
// summaries are built: building 10,000 summaries was most of a filtered listing's first call (L1), and the
// summaries of runs a filter drops are never seen. Only says "out" when the summary could not say otherwise.
import type { CachedRun } from './runSummary';
import { hasWriters } from './ranks';
import { holds } from './query';
import type { RunQuery, RunStatus } from '../types';

/** Whether `q` has anything this can judge: otherwise every run's summary is built anyway. */
export function prefilters(q: RunQuery | undefined): q is RunQuery {
  return q !== undefined && ((q.status !== undefined && q.status.length > 0) || q.project !== undefined || (q.where?.length ?? 0) > 0);
}

/**
 * False when the run's summary cannot match `q`. The status a summary shows is the logged one except for a
 * run logged as running (it may turn crashed) or one with writers (ranks.ts lays their status over it); params
 * are the state's own object, and a metric's last value is its series'.
 */
export function mayMatch(run: CachedRun, q: RunQuery): boolean {
  const { state } = run;
  if (q.status !== undefined && q.status.length > 0) {
    const logged = state.status ?? 'running';
    if (logged !== 'running' && !hasWriters(state) && !q.status.includes(logged as RunStatus)) return false;
  }
  if (q.project !== undefined && (state.project ?? '') !== q.project) return false;
  for (const w of q.where ?? []) {
    const actual = w.field === 'param' ? (w.key in state.params ? state.params[w.key] : undefined) : run.series.get(w.key)?.last;
    if (!holds(actual, w.op, w.value)) return false;
  }
  return true;
}
