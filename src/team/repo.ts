// Which repository and remote a share or fetch talks to, and who is sharing. Every failure here is a message
// saying what to do, since the usual cause is a folder that is not (yet) a git repository with a remote.
import { hostname, userInfo } from 'node:os';
import { isAbsolute, resolve } from 'node:path';
import { git, gitMaybe, GitError } from './git';

export class TeamSetupError extends Error {}

export interface TeamRepo {
  /** The folder git runs in. */
  cwd: string;
  /** The repository's common git dir (shared by its worktrees), absolute. */
  gitDir: string;
  remote: string;
  author: string;
  email: string;
  host: string;
  /** The folder this sharer's runs go in: `<author>@<host>`, reduced to safe characters. */
  owner: string;
}

export const RUNS_REF = 'refs/trackside/runs';
export const remoteRef = (remote: string) => `refs/trackside/remote/${remote}`;
export const pushedRef = (remote: string) => `refs/trackside/pushed/${remote}`;

/** Names allowed for a folder of the ref: an owner (`<author>@<host>`) or a run id. */
export const OWNER_NAME = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$/;
export const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function slug(text: string): string {
  const s = text
    .normalize('NFKD')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .replace(/-+$/, '')
    .slice(0, 60);
  return s === '' ? 'unknown' : s;
}

export function ownerOf(author: string, host: string): string {
  return `${slug(author)}@${slug(host)}`;
}

export async function openTeamRepo(cwd: string, remote: string | undefined): Promise<TeamRepo> {
  let gitDir: string;
  try {
    gitDir = (await git(['rev-parse', '--git-common-dir'], { cwd })).trim();
  } catch (err) {
    if (err instanceof GitError && err.code === null) throw new TeamSetupError(`git is not installed or not on PATH (${err.message})`);
    throw new TeamSetupError(`${cwd} is not in a git repository. Team runs travel through a git remote: run "git init" and "git remote add origin <url>" there, or run this from your project's folder.`);
  }
  if (!isAbsolute(gitDir)) gitDir = resolve(cwd, gitDir);
  const remotes = (await git(['remote'], { cwd })).split('\n').map((r) => r.trim()).filter((r) => r !== '');
  const chosen = remote ?? (await defaultRemote(cwd, remotes));
  if (chosen === undefined) {
    throw new TeamSetupError(
      remotes.length === 0
        ? 'this repository has no remote to share runs through. Add one with "git remote add origin <url>" (any remote your team can reach: GitHub, GitLab, a bare repository on a shared machine).'
        : `this repository has several remotes (${remotes.join(', ')}) and the current branch tracks none of them: choose one with --remote NAME (or the trackside.team.remote setting).`,
    );
  }
  if (chosen.startsWith('-') || !remotes.includes(chosen)) {
    throw new TeamSetupError(`no remote named "${chosen}" in this repository${remotes.length > 0 ? ` (remotes: ${remotes.join(', ')})` : ''}. Add it with "git remote add ${/^[\w.-]+$/.test(chosen) ? chosen : 'NAME'} <url>".`);
  }
  const author = (await gitMaybe(['config', 'user.name'], { cwd })) ?? safeUser();
  const host = hostname();
  const email = (await gitMaybe(['config', 'user.email'], { cwd })) ?? `${slug(author)}@${slug(host)}`;
  return { cwd, gitDir, remote: chosen, author, email, host, owner: ownerOf(author, host) };
}

async function defaultRemote(cwd: string, remotes: string[]): Promise<string | undefined> {
  const branch = await gitMaybe(['symbolic-ref', '--short', '-q', 'HEAD'], { cwd });
  if (branch !== undefined) {
    const upstream = await gitMaybe(['config', `branch.${branch}.remote`], { cwd });
    if (upstream !== undefined && remotes.includes(upstream)) return upstream;
  }
  if (remotes.includes('origin')) return 'origin';
  return remotes.length === 1 ? remotes[0] : undefined;
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
