// Where a model version came from: its run, the runs that run was started from (reruns, sweeps), and the commit.
import type { RunSummary } from '../types';
import type { ModelVersionRecord } from './format';

export interface LineageStep {
  runId: string;
  /** Undefined when the run is no longer in the index (deleted, or not shared with this checkout). */
  run?: RunSummary;
}

export interface Lineage {
  /** The version's run first, then its parent, its parent's parent… */
  runs: LineageStep[];
  commit?: string;
  dirty?: boolean;
}

const MAX_DEPTH = 50;

export function lineage(version: ModelVersionRecord, byId: ReadonlyMap<string, RunSummary>): Lineage {
  const runs: LineageStep[] = [];
  const seen = new Set<string>();
  let id: string | undefined = version.run;
  // The record's own parent stands in when the run is gone from the index; a cycle in hand-edited logs stops here.
  let fallbackParent = version.parent;
  while (id !== undefined && !seen.has(id) && runs.length < MAX_DEPTH) {
    seen.add(id);
    const run = byId.get(id);
    runs.push({ runId: id, run });
    id = run ? run.parent : fallbackParent;
    fallbackParent = undefined;
  }
  const own = byId.get(version.run);
  return { runs, commit: version.commit ?? own?.gitCommit, dirty: version.dirty ?? own?.gitDirty };
}
