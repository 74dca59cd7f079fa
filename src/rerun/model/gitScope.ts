// Where a rerun may run git before the user has confirmed anything. A run's working directory comes from its log,
// which anyone who can write the run folder could have written, and git obeys the config of the repository it runs
// in (core.fsmonitor, filters, hooks run programs). So before consent git runs only in the workspace's own folders,
// which the user opened and trusted; anywhere else the user is asked first.
import { posix, win32 } from 'node:path';
import type { Drift } from './drift';

/** Whether `path` is `folder` or lies below it; both absolute and already resolved through symlinks. */
export function isWithin(path: string, folder: string, windows: boolean): boolean {
  const p = windows ? win32 : posix;
  const rel = p.relative(folder, path);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${p.sep}`) && !p.isAbsolute(rel));
}

/**
 * The folder to ask about before running git for `places` (the working directory, then the repository it is in,
 * which may be a parent of a workspace folder), or undefined when every place lies in a workspace folder.
 */
export function folderNeedingConsent(places: readonly string[], workspaceFolders: readonly string[], windows: boolean): string | undefined {
  return places.find((place) => !workspaceFolders.some((folder) => isWithin(place, folder, windows)));
}

/** The question put before running git outside the workspace folders. */
export function consentQuestion(folder: string): { title: string; detail: string } {
  return {
    title: 'Check the run\'s code with git outside this workspace?',
    detail: [
      `The run's working directory leads to ${folder}, which is outside this workspace's folders.`,
      'Trackside compares the code with what the run recorded by running git there, and a repository\'s own settings can make git run programs. The folder comes from the run\'s log, which anyone who can write the run folder could have written.',
      'Check only if you trust that repository. Without the check, the review does not say whether the code changed.',
    ].join('\n\n'),
  };
}

/** The code state shown when the user chose not to run git in `folder`. */
export function notCheckedDrift(folder: string): Drift {
  return {
    kind: 'notChecked',
    headMoved: false,
    changedFiles: [],
    canRunAtRecorded: false,
    message: `not checked. ${folder} is outside this workspace's folders and you chose not to run git there, so Trackside cannot say whether the code is what the run used.`,
  };
}
