// "Already ran": a finished run with the same configuration at the same code makes a rerun redundant.
import type { ParamValue, RunSummary } from '../../store/types';
import { changedKeys } from './overrides';

/** The code a run used, or the code a rerun would use: a commit plus the tree of tracked files. */
export interface CodeIdentity {
  commit: string;
  /** Tree of the tracked files including uncommitted changes; equal trees mean an equal diff. */
  tree: string;
}

export interface AlreadyRanQuery {
  project: string;
  /** The script: argv[0] as recorded. */
  script: string | undefined;
  params: Readonly<Record<string, ParamValue>>;
  code: CodeIdentity | undefined;
}

export interface Candidate {
  run: Pick<RunSummary, 'id' | 'project' | 'status' | 'params' | 'endTime' | 'startTime'>;
  script: string | undefined;
  code: CodeIdentity | undefined;
}

/** Finished runs that used this configuration at this code, newest first. Unknown code never matches. */
export function alreadyRan(query: AlreadyRanQuery, candidates: readonly Candidate[]): Candidate[] {
  if (!query.code) return [];
  return candidates
    .filter((c) => c.run.status === 'finished')
    .filter((c) => c.run.project === query.project && c.script === query.script)
    .filter((c) => c.code !== undefined && c.code.commit === query.code?.commit && c.code.tree === query.code.tree)
    .filter((c) => changedKeys(c.run.params, query.params).length === 0)
    .sort((a, b) => (b.run.endTime ?? b.run.startTime) - (a.run.endTime ?? a.run.startTime));
}

/** The cheap part of the match, to pick which runs are worth asking git about. */
export function sameConfiguration(query: Omit<AlreadyRanQuery, 'code'>, run: Pick<RunSummary, 'project' | 'status' | 'params'>): boolean {
  return run.status === 'finished' && run.project === query.project && changedKeys(run.params, query.params).length === 0;
}
