// "Already ran": a finished run with the same configuration at the same code makes a rerun redundant.
import type { RunSummary } from '../../store/types';
import { changedKeys, exactParams, type ExactParam } from './overrides';

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
  /** With exact digits as `{"$int": …}` (see exactParams): runs one double apart are different configurations. */
  params: Readonly<Record<string, ExactParam>>;
  code: CodeIdentity | undefined;
}

export interface Candidate {
  run: Pick<RunSummary, 'id' | 'project' | 'status' | 'params' | 'exactInts' | 'endTime' | 'startTime'>;
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
    .filter((c) => changedKeys(exactParams(c.run.params, c.run.exactInts?.params), query.params).length === 0)
    .sort((a, b) => (b.run.endTime ?? b.run.startTime) - (a.run.endTime ?? a.run.startTime));
}

/** The cheap part of the match, to pick which runs are worth asking git about. */
export function sameConfiguration(query: Omit<AlreadyRanQuery, 'code'>, run: Pick<RunSummary, 'project' | 'status' | 'params' | 'exactInts'>): boolean {
  return run.status === 'finished' && run.project === query.project && changedKeys(exactParams(run.params, run.exactInts?.params), query.params).length === 0;
}
