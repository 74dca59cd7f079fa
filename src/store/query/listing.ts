// A listing's filter and sort over stored runs. Summaries of 10,000 runs come in several shapes (their optional
// fields), so every read of one is megamorphic: on a first listing, re-judging the filter on summaries and
// reading their sort values cost as much as building them. What the prefilter (prefilter.ts) has already
// judged exactly, and sort values the stored run holds as they are in its summary, are taken from the run.
import { hasWriters } from './ranks';
import { matches, sortRuns, type Comparable } from './query';
import type { CachedRun } from './runSummary';
import type { RunQuery, RunSummary } from '../types';

/**
 * Whether mayMatch saying yes settles `q` for a run whose summary shows its logged status: only status, project
 * and where clauses, which it judges exactly on what the summary is made of (the same params object, each
 * metric's last value from its series, the project, the status when it is not one that may change).
 */
function judgedByPrefilter(q: RunQuery): boolean {
  return q.tags === undefined && q.since === undefined && q.until === undefined && q.starred === undefined && q.archived === undefined && q.text === undefined;
}

/**
 * `runs`: those the listing may show (all, or those mayMatch kept when `prefiltered`); `summarize` gives each
 * run's summary as the store shows it. The same runs in the same order as queryRuns over their summaries.
 */
export function listCached(runs: readonly CachedRun[], summarize: (run: CachedRun) => RunSummary, q: RunQuery = {}, prefiltered = false): RunSummary[] {
  const settled = prefiltered && judgedByPrefilter(q);
  const key = q.sort?.key ?? { kind: 'start' };
  const fromRun = key.kind === 'metric' || key.kind === 'param';
  const out: RunSummary[] = [];
  const values: Comparable[] = [];
  for (let i = 0; i < runs.length; i++) {
    const run = runs[i];
    const s = summarize(run);
    const state = run.state;
    // The summary itself (not a crashed or a job's copy) shows the logged status when that is not "running".
    const sure = settled && s === run.summary && state.status !== undefined && state.status !== 'running' && !hasWriters(state);
    if (!sure && !matches(s, q)) continue;
    out.push(s);
    if (fromRun) {
      // As sortValue reads them from the summary: its params are the state's, a metric's last is its series'.
      const k = (key as { key: string }).key;
      values.push(key.kind === 'param' ? (k in state.params ? state.params[k] : undefined) : run.series.get(k)?.last);
    }
  }
  return sortRuns(out, q, fromRun ? values : undefined);
}
