// The git facts a rerun needs, through async child processes with argument arrays (never a shell string):
// a log file is untrusted, so nothing from it may reach a shell here.
import { spawn } from 'node:child_process';
import { copyFile, mkdtemp, rm, stat, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export class GitError extends Error {
  constructor(
    message: string,
    readonly stderr: string,
  ) {
    super(message);
  }
}

interface GitOptions {
  cwd: string;
  input?: string;
  env?: Record<string, string>;
  /** Refuse output larger than this (bytes): a diff of a huge tree must not exhaust memory. */
  maxBytes?: number;
}

// Defence in depth beside the consent rule (model/gitScope.ts): a repository's core.fsmonitor names a program git
// runs on every index refresh, and nothing here needs it. An empty value reads as "off" for every git version.
const SAFE_CONFIG = ['-c', 'core.fsmonitor='];

export function git(args: string[], opts: GitOptions): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', [...SAFE_CONFIG, ...args], {
      cwd: opts.cwd,
      // No pager, no prompts, no locale surprises in the output we parse.
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_PAGER: 'cat', LC_ALL: 'C', ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      windowsHide: true,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    const max = opts.maxBytes ?? 64 * 1024 * 1024;
    child.stdout.on('data', (b: Buffer) => {
      size += b.length;
      if (size > max) child.kill();
      else out.push(b);
    });
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => reject(new GitError(`git could not start: ${e.message}`, '')));
    child.on('close', (code) => {
      const stderr = Buffer.concat(err).toString('utf8').trim();
      if (size > max) reject(new GitError(`git ${args[0]} printed more than ${max} bytes`, stderr));
      else if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else reject(new GitError(`git ${args[0]} failed: ${stderr || `exit code ${code}`}`, stderr));
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}

/** The repository's top folder, or undefined when `cwd` is not in one (or git is missing). */
export async function repoRoot(cwd: string): Promise<string | undefined> {
  try {
    return (await git(['rev-parse', '--show-toplevel'], { cwd })).trim() || undefined;
  } catch {
    return undefined;
  }
}

export async function head(repo: string): Promise<string | undefined> {
  try {
    return (await git(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], { cwd: repo })).trim() || undefined;
  } catch {
    return undefined;
  }
}

// A commit from a log is untrusted: only hex ids are passed to git, so none can be read as an option.
const isCommitId = (commit: string) => /^[0-9a-f]{4,64}$/i.test(commit);

function checkCommitId(commit: string): void {
  if (!isCommitId(commit)) throw new GitError(`Not a commit id: ${JSON.stringify(commit.slice(0, 80))}`, '');
}

export async function hasCommit(repo: string, commit: string): Promise<boolean> {
  if (!isCommitId(commit)) return false;
  try {
    await git(['cat-file', '-e', `${commit}^{commit}`], { cwd: repo });
    return true;
  } catch {
    return false;
  }
}

/**
 * Makes a commit recorded by someone else's run (a teammate's, fetched through the remote) present here: fetched
 * by its id (servers that allow it), else with the remote's branches. False when the remote does not have it
 * (never pushed, or gone), or cannot be reached.
 */
export async function fetchCommit(repo: string, remote: string, commit: string): Promise<boolean> {
  if (!isCommitId(commit) || !/^[\w.-]+$/.test(remote) || remote.startsWith('-')) return false;
  if (await hasCommit(repo, commit)) return true;
  const attempts = commit.length >= 40 ? [['fetch', '--no-tags', '--no-write-fetch-head', remote, commit], ['fetch', '--no-tags', remote]] : [['fetch', '--no-tags', remote]];
  for (const args of attempts) {
    try {
      await git(args, { cwd: repo });
    } catch {
      // Not served by id, or unreachable: the next way, or the answer below.
    }
    if (await hasCommit(repo, commit)) return true;
  }
  return false;
}

/** Runs `fn` with a throwaway index file, so the user's index is never touched. */
async function withTempIndex<T>(fn: (env: Record<string, string>) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'trackside-index-'));
  try {
    return await fn({ GIT_INDEX_FILE: join(dir, 'index') });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * The tree of the recorded code: `commit` with `diff` (the run's saved uncommitted changes) applied, built in a
 * temporary index. Throws GitError when the diff does not apply.
 */
export async function recordedTree(repo: string, commit: string, diff?: string): Promise<string> {
  checkCommitId(commit);
  return withTempIndex(async (env) => {
    await git(['read-tree', `${commit}^{tree}`], { cwd: repo, env });
    if (diff && diff.trim()) await git(['apply', '--cached', '--binary', '--whitespace=nowarn', '-'], { cwd: repo, env, input: diff });
    return (await git(['write-tree'], { cwd: repo, env })).trim();
  });
}

/**
 * Copies an index keeping its modification time: git's racy-clean check compares file times with the index's
 * own, and a fresh mtime on the copy would let a same-size edit made just after the last index write go unseen.
 */
async function copyIndex(from: string, to: string): Promise<boolean> {
  try {
    const { atime, mtime } = await stat(from);
    await copyFile(from, to);
    await utimes(to, atime, mtime);
    return true;
  } catch {
    return false;
  }
}

/**
 * The tree of the tracked files as they are in the working tree now: what `git diff HEAD` (the logger's recorded
 * diff) describes, staged new files included. Built from a copy of the user's index, whose stat cache spares
 * rehashing unchanged files; the index itself is not touched.
 */
export async function workingTree(repo: string): Promise<string> {
  const indexPath = resolve(repo, (await git(['rev-parse', '--git-path', 'index'], { cwd: repo })).trim());
  return withTempIndex(async (env) => {
    const copied = await copyIndex(indexPath, env.GIT_INDEX_FILE as string);
    if (!copied) await git(['read-tree', 'HEAD^{tree}'], { cwd: repo, env });
    await git(['add', '--update', '--', '.'], { cwd: repo, env });
    return (await git(['write-tree'], { cwd: repo, env })).trim();
  });
}

/** Tracked files whose working-tree content differs from `tree` (repository-relative, forward slashes). */
export async function changedFiles(repo: string, tree: string): Promise<string[]> {
  // Only names are wanted: no external diff or textconv program from the repository's config may run.
  const out = await git(['diff', '--name-only', '--no-renames', '--no-ext-diff', '--no-textconv', '-z', tree, '--'], { cwd: repo });
  return out.split('\0').filter((f) => f.length > 0);
}

/** A file's content in `tree`, or undefined when the tree has no such file. */
export async function fileAt(repo: string, tree: string, path: string): Promise<string | undefined> {
  try {
    return await git(['show', '--no-textconv', `${tree}:${path}`], { cwd: repo });
  } catch {
    return undefined;
  }
}

/** Adds a detached worktree at `commit` in a new temporary folder and applies `diff` there. */
export async function addWorktree(repo: string, commit: string, diff: string | undefined, label: string): Promise<string> {
  checkCommitId(commit);
  const safe = label.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 60);
  const dir = await mkdtemp(join(tmpdir(), `trackside-rerun-${safe}-`));
  try {
    await git(['worktree', 'add', '--detach', dir, commit], { cwd: repo });
    if (diff && diff.trim()) await git(['apply', '--binary', '--whitespace=nowarn', '-'], { cwd: dir, input: diff });
    return dir;
  } catch (err) {
    await removeWorktree(repo, dir).catch(() => undefined);
    throw err;
  }
}

export async function removeWorktree(repo: string, dir: string): Promise<void> {
  try {
    await git(['worktree', 'remove', '--force', dir], { cwd: repo });
  } finally {
    await rm(dir, { recursive: true, force: true });
    await git(['worktree', 'prune'], { cwd: repo }).catch(() => undefined);
  }
}
