// Gathers the facts about code a rerun needs: the recorded state (commit + saved diff), the checkout now, and
// code identities for the "already ran" check. No VS Code here, so it is tested against real git repositories.
import { open, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { RunDetail } from '../store/types';
import { assessDrift, type Drift } from './model/drift';
import type { CodeIdentity } from './model/match';
import { changedFiles, hasCommit, head, recordedTree, repoRoot, workingTree } from './git';

const MAX_DIFF_BYTES = 64 * 1024 * 1024;

interface GitInfo {
  commit?: string;
  dirty?: boolean;
  diffArtifact?: string;
  diffTruncated?: boolean;
  root?: string;
}

/** The run's git record, whichever spelling the store kept (`diffArtifact` or the log's `diff_artifact`). */
export function gitInfo(run: Pick<RunDetail, 'env' | 'gitCommit' | 'gitDirty'>): GitInfo {
  const g = (run.env?.git ?? {}) as Record<string, unknown>;
  const str = (v: unknown) => (typeof v === 'string' && v.length > 0 ? v : undefined);
  return {
    commit: str(g.commit) ?? run.gitCommit,
    dirty: typeof g.dirty === 'boolean' ? g.dirty : run.gitDirty,
    diffArtifact: str(g.diffArtifact) ?? str(g.diff_artifact),
    diffTruncated: g.diffTruncated === true || g.diff_truncated === true,
    root: str(g.root),
  };
}

/**
 * The run's saved diff, or undefined when there is none, it was truncated, or its path leaves the run folder
 * (the path comes from the log, which is untrusted).
 */
export async function readRecordedDiff(run: Pick<RunDetail, 'dir' | 'env' | 'gitCommit' | 'gitDirty'>): Promise<string | undefined> {
  const info = gitInfo(run);
  if (!info.diffArtifact || info.diffTruncated) return undefined;
  const dir = resolve(run.dir);
  const file = resolve(dir, info.diffArtifact);
  if (!file.startsWith(dir + sep)) return undefined;
  try {
    const handle = await open(file, 'r');
    try {
      const { size } = await handle.stat();
      if (size > MAX_DIFF_BYTES) return undefined;
      return await handle.readFile('utf8');
    } finally {
      await handle.close();
    }
  } catch {
    return undefined;
  }
}

export interface CodeFacts {
  drift: Drift;
  repo?: string;
  head?: string;
  /** The recorded code as a tree, when it could be rebuilt. */
  recordedTree?: string;
  recordedDiff?: string;
  /** The code a rerun in the checkout would use. */
  current?: CodeIdentity;
  /** The code a rerun at the recorded commit would use. */
  recorded?: CodeIdentity;
}

export async function inspectCode(run: RunDetail, cwd: string): Promise<CodeFacts> {
  const info = gitInfo(run);
  const repo = await repoRoot(cwd);
  const recordedDiff = info.dirty ? await readRecordedDiff(run) : undefined;
  const facts: CodeFacts = { drift: undefined as unknown as Drift, repo, recordedDiff };
  let present = false;
  let applies: boolean | undefined;
  let files: string[] | undefined;
  if (repo) {
    facts.head = await head(repo);
    if (facts.head) {
      const tree = await workingTree(repo).catch(() => undefined);
      if (tree) facts.current = { commit: facts.head, tree };
    }
    if (info.commit) present = await hasCommit(repo, info.commit);
    if (present && info.commit && (!info.dirty || recordedDiff !== undefined)) {
      try {
        facts.recordedTree = await recordedTree(repo, info.commit, recordedDiff);
        facts.recorded = { commit: info.commit, tree: facts.recordedTree };
        applies = true;
        files = await changedFiles(repo, facts.recordedTree).catch(() => undefined);
      } catch {
        applies = false;
      }
    }
  }
  facts.drift = assessDrift(
    { commit: info.commit, dirty: info.dirty, diffAvailable: recordedDiff !== undefined },
    { repo, head: facts.head, recordedCommitPresent: present, recordedDiffApplies: applies, changedFiles: files },
  );
  return facts;
}

/** The code a finished run used, for the "already ran" check; cached by the caller (finished runs do not change). */
export async function codeOfRun(run: RunDetail, repo: string): Promise<CodeIdentity | undefined> {
  const info = gitInfo(run);
  if (!info.commit || !(await hasCommit(repo, info.commit))) return undefined;
  const diff = info.dirty ? await readRecordedDiff(run) : undefined;
  if (info.dirty && diff === undefined) return undefined;
  try {
    return { commit: info.commit, tree: await recordedTree(repo, info.commit, diff) };
  } catch {
    return undefined;
  }
}

/**
 * The script a run ran, relative to its repository when it can be, so a run from a rerun worktree (a folder named
 * `trackside-rerun-…`) and one from the checkout compare equal.
 */
export function scriptKey(run: Pick<RunDetail, 'argv' | 'cwd' | 'env' | 'gitCommit' | 'gitDirty'>, repo?: string): string | undefined {
  const script = run.argv[0];
  if (script === undefined) return undefined;
  const abs = isAbsolute(script) ? script : run.cwd ? resolve(run.cwd, script) : undefined;
  if (!abs) return script;
  const inWorktree = /[\\/]trackside-rerun-[^\\/]*[\\/](.+)$/.exec(abs);
  if (inWorktree) return (inWorktree[1] as string).split(/[\\/]/).join('/');
  for (const root of [gitInfo(run).root, repo]) {
    if (!root) continue;
    const rel = relative(root, abs);
    if (!rel.startsWith('..') && !isAbsolute(rel)) return rel.split(sep).join('/');
  }
  return abs;
}

/** Whether a path exists (and is a file or folder as asked). */
export async function exists(path: string, kind: 'file' | 'dir'): Promise<boolean> {
  try {
    const s = await stat(path);
    return kind === 'file' ? s.isFile() : s.isDirectory();
  } catch {
    return false;
  }
}
