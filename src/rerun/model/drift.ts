// Code drift: does the code that would run now differ from the code the run recorded? The facts come from
// git (src/rerun/git.ts); this part only decides what they mean and what to tell the user.

/** What the run's log says about its code. */
export interface RecordedCode {
  commit?: string;
  dirty?: boolean;
  /** Whether the diff of the uncommitted changes could be read (only asked when `dirty`). */
  diffAvailable: boolean;
}

/** What git says about the checkout now, relative to the recorded state. */
export interface CurrentCode {
  /** The repository's top folder, when the working directory is in one. */
  repo?: string;
  head?: string;
  recordedCommitPresent: boolean;
  /** False when the recorded diff does not apply to the recorded commit. */
  recordedDiffApplies?: boolean;
  /** Tracked files whose content differs from the recorded state; undefined when it could not be computed. */
  changedFiles?: string[];
}

export type DriftKind = 'none' | 'drift' | 'unknown' | 'notRecorded' | 'noGit' | 'notChecked';

export interface Drift {
  kind: DriftKind;
  headMoved: boolean;
  changedFiles: string[];
  /** One paragraph for the review dialog. */
  message: string;
  /** Whether "Run at the recorded commit" can rebuild the recorded state. */
  canRunAtRecorded: boolean;
}

export const shortCommit = (commit: string | undefined): string => (commit ?? '').slice(0, 10);

function listFiles(files: string[], max = 5): string {
  const shown = files.slice(0, max).join(', ');
  return files.length > max ? `${shown} and ${files.length - max} more` : shown;
}

export function assessDrift(recorded: RecordedCode, current: CurrentCode): Drift {
  const headMoved = !!recorded.commit && !!current.head && current.head !== recorded.commit;
  const base = { headMoved, changedFiles: [] as string[], canRunAtRecorded: false };
  if (!recorded.commit) {
    return { ...base, kind: 'notRecorded', message: 'The run did not record a git commit, so Trackside cannot check that the code is the same.' };
  }
  if (!current.repo) {
    return { ...base, kind: 'noGit', message: `The run recorded commit ${shortCommit(recorded.commit)}, but its working directory is not in a git repository now.` };
  }
  if (!current.recordedCommitPresent) {
    return {
      ...base,
      kind: 'unknown',
      message: `The recorded commit ${shortCommit(recorded.commit)} is not in this repository (fetch it to compare or run at it). HEAD is ${shortCommit(current.head)}.`,
    };
  }
  if (recorded.dirty && !recorded.diffAvailable) {
    return {
      ...base,
      kind: 'unknown',
      message: `The run had uncommitted changes on ${shortCommit(recorded.commit)}, but their diff was not saved, so the exact code cannot be compared or rebuilt.` +
        (headMoved ? ` HEAD has also moved to ${shortCommit(current.head)}.` : ''),
    };
  }
  if (recorded.dirty && current.recordedDiffApplies === false) {
    return {
      ...base,
      kind: 'unknown',
      message: `The run's saved diff does not apply to its commit ${shortCommit(recorded.commit)}, so the recorded code cannot be rebuilt.`,
    };
  }
  if (current.changedFiles === undefined) {
    return { ...base, kind: 'unknown', canRunAtRecorded: true, message: 'Trackside could not compare the working tree with the recorded code.' };
  }
  const recordedState = recorded.dirty ? `commit ${shortCommit(recorded.commit)} plus its saved uncommitted changes` : `commit ${shortCommit(recorded.commit)}`;
  if (current.changedFiles.length === 0) {
    return {
      ...base,
      kind: 'none',
      canRunAtRecorded: true,
      message: headMoved
        ? `HEAD moved to ${shortCommit(current.head)}, but the tracked files are identical to the recorded ${recordedState}.`
        : `The code matches the recorded ${recordedState}.`,
    };
  }
  const n = current.changedFiles.length;
  return {
    ...base,
    kind: 'drift',
    changedFiles: [...current.changedFiles],
    canRunAtRecorded: true,
    message:
      `Code drift: ${n} file${n === 1 ? '' : 's'} differ${n === 1 ? 's' : ''} from the recorded ${recordedState}` +
      (headMoved ? ` (HEAD is now ${shortCommit(current.head)})` : '') +
      `: ${listFiles(current.changedFiles)}.`,
  };
}
