// The rerun's code facts, gathered before the user confirms anything, with git held to the workspace's own folders
// (the rule is in model/gitScope.ts). No VS Code here: the question is a callback, so the guard is tested against
// real repositories.
import { realpath } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { RunDetail } from '../store/types';
import { inspectCode, type CodeFacts } from './codeState';
import { repoRoot } from './git';
import { folderNeedingConsent, notCheckedDrift } from './model/gitScope';

/** Asks whether git may run in `folder`: 'check' yes, 'skip' review without code facts, undefined cancels. */
export type AskOutside = (folder: string) => Promise<'check' | 'skip' | undefined>;

// Symlinks are resolved so a link inside a workspace folder cannot lead git elsewhere unasked.
const real = (path: string) => realpath(path).catch(() => resolve(path));

/** The code facts for a rerun from `cwd`, or undefined when the user cancelled at the question. */
export async function codeFactsBeforeConsent(run: RunDetail, cwd: string, workspaceFolders: readonly string[], ask: AskOutside): Promise<CodeFacts | undefined> {
  const windows = process.platform === 'win32';
  const folders = await Promise.all(workspaceFolders.map(real));
  const place = await real(cwd);
  let outside = folderNeedingConsent([place], folders, windows);
  if (!outside) {
    // `rev-parse --show-toplevel` in a workspace folder runs nothing from the repository's config.
    const repo = await repoRoot(place);
    if (repo) outside = folderNeedingConsent([await real(repo)], folders, windows);
  }
  if (outside) {
    const answer = await ask(outside);
    if (answer === undefined) return undefined;
    if (answer === 'skip') return { drift: notCheckedDrift(outside) };
  }
  return inspectCode(run, cwd);
}
