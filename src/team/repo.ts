// Which repository and remote a share or fetch talks to, and who is sharing. Every failure here is a message
// saying what to do, since the usual cause is a folder that is not (yet) a git repository with a remote.
import { hostname, userInfo } from 'node:os';
import { createHash } from 'node:crypto';
import { isAbsolute, resolve } from 'node:path';
import { git, gitMaybe, GitError } from './git';

export class TeamSetupError extends Error {}

export interface TeamRepo {
  /** The folder git runs in. */
  cwd: string;
  /** The repository's common git dir (shared by its worktrees), absolute. */
  gitDir: string;
  remote: string;
  /** The remote's URL as configured (may hold credentials: never shown or written as it is). */
  url: string;
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

/**
 * The fetched runs' cache folder of a remote: its name and a hash of its URL, so two remotes (or one renamed to
 * point elsewhere) never share a cache, and no part of the URL (which may hold a token) is written out.
 */
export function remoteKey(remote: string, url: string): string {
  return `${slug(remote).slice(0, 40)}-${createHash('sha256').update(url).digest('hex').slice(0, 12)}`;
}

export function ownerOf(author: string, host: string): string {
  return `${slug(author)}@${slug(host)}`;
}

export async function openTeamRepo(cwd: string, remote: string | undefined): Promise<TeamRepo> {
  // Two git calls in all, since a push with nothing new should cost next to nothing: where the repository is
  // (and the branch, when HEAD has a commit), then its whole configuration.
  let lines: string[];
  try {
    lines = (await git(['rev-parse', '--git-common-dir', '--abbrev-ref', 'HEAD'], { cwd })).trim().split('\n');
  } catch (err) {
    if (err instanceof GitError && err.code === null) throw new TeamSetupError(`git is not installed or not on PATH (${err.message})`);
    lines = [(await gitMaybe(['rev-parse', '--git-common-dir'], { cwd })) ?? ''];
  }
  if (lines[0] === '') {
    throw new TeamSetupError(`${cwd} is not in a git repository. Team runs travel through a git remote: run "git init" and "git remote add origin <url>" there, or run this from your project's folder.`);
  }
  const gitDir = isAbsolute(lines[0]) ? lines[0] : resolve(cwd, lines[0]);
  const branch = lines[1] !== undefined && lines[1] !== 'HEAD' ? lines[1] : undefined;
  const config = new Map<string, string>();
  for (const entry of (await git(['config', '-l', '-z'], { cwd })).split('\0')) {
    const nl = entry.indexOf('\n');
    if (nl > 0) config.set(entry.slice(0, nl).toLowerCase(), entry.slice(nl + 1));
  }
  const remotes = [...config.keys()].flatMap((k) => {
    const m = /^remote\.(.+)\.url$/.exec(k);
    return m === null ? [] : [m[1]];
  });
  // Keys are lower-cased above, but remote names keep their case in `git remote`: take them from there when they differ.
  const named = remotes.some((r) => r !== r.toLowerCase()) ? (await git(['remote'], { cwd })).split('\n').filter((r) => r !== '') : remotes;
  const upstream = branch === undefined ? undefined : config.get(`branch.${branch.toLowerCase()}.remote`);
  const chosen = remote ?? (upstream !== undefined && named.includes(upstream) ? upstream : named.includes('origin') ? 'origin' : named.length === 1 ? named[0] : undefined);
  if (chosen === undefined) {
    throw new TeamSetupError(
      named.length === 0
        ? 'this repository has no remote to share runs through. Add one with "git remote add origin <url>" (any remote your team can reach: GitHub, GitLab, a bare repository on a shared machine).'
        : `this repository has several remotes (${named.join(', ')}) and the current branch tracks none of them: choose one with --remote NAME (or the trackside.team.remote setting).`,
    );
  }
  if (chosen.startsWith('-') || !named.includes(chosen)) {
    throw new TeamSetupError(`no remote named "${chosen}" in this repository${named.length > 0 ? ` (remotes: ${named.join(', ')})` : ''}. Add it with "git remote add ${/^[\w.-]+$/.test(chosen) ? chosen : 'NAME'} <url>".`);
  }
  const author = config.get('user.name') || safeUser();
  const host = hostname();
  const email = config.get('user.email') || `${slug(author)}@${slug(host)}`;
  const url = config.get(`remote.${chosen.toLowerCase()}.url`) ?? chosen;
  return { cwd, gitDir, remote: chosen, url, author, email, host, owner: ownerOf(author, host) };
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}
