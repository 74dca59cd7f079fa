// Teammates' runs fetched through the git remote (src/team/): written by a fetch under
// `<root>/team/<remote>/<owner>/runs/<id>/` as the ref holds them (meta.json, series.bin, the artifacts that
// travelled) and read from those files (teamReader.ts). `<remote>` is one folder per remote URL, so two remotes
// never mix their caches. Read-only (they are someone else's runs; the next fetch rewrites them) and not live (a
// fetched snapshot never grows by itself).
import { readdirSync, realpathSync } from 'node:fs';
import { readdir, realpath } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { errorText, statQuiet } from '../../ingest/quietFs';
import type { Diagnostic } from '../../types';
import type { FoundRun, RunSource } from '../runSource';
import { openTeamRun, ORIGIN_FILE } from './teamReader';

export const TEAM_FOLDER = 'team';
const OWNER = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$/;
const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
/** A remote's cache folder (see src/team/repo.ts remoteKey). */
const REMOTE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/** `<root>/team/<remote>/<owner>` folders, for discover (async) and find (sync). */
function ownerDirs(team: string, remotes: string[], list: (dir: string) => string[]): string[] {
  return remotes.filter((r) => REMOTE.test(r)).flatMap((r) => list(join(team, r)).filter((o) => OWNER.test(o)).map((o) => join(team, r, o)));
}

function within(holder: string, real: string): boolean {
  const rel = relative(holder, real);
  return rel !== '' && !isAbsolute(rel) && rel.split(sep)[0] !== '..';
}

async function dirsIn(dir: string): Promise<string[]> {
  // Only real folders: the fetch writes no links, so a link here was put by something else.
  return (await readdir(dir, { withFileTypes: true }).catch(() => [])).filter((e) => e.isDirectory()).map((e) => e.name);
}

async function discover(roots: readonly string[], general: Diagnostic[]): Promise<FoundRun[]> {
  const out: FoundRun[] = [];
  const seen = new Map<string, string>();
  for (const root of roots) {
    const team = join(root, TEAM_FOLDER);
    let remotes;
    try {
      remotes = (await readdir(team, { withFileTypes: true })).filter((e) => e.isDirectory() && REMOTE.test(e.name)).map((e) => e.name);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') general.push({ file: team, reason: `cannot list team runs (${errorText(err)})` });
      continue;
    }
    let real: string | undefined;
    for (const remote of remotes) {
      for (const o of await dirsIn(join(team, remote))) {
        if (!OWNER.test(o)) continue;
        const runsDir = join(team, remote, o, 'runs');
        for (const r of await dirsIn(runsDir)) {
          if (!RUN_ID.test(r)) continue;
          const dir = join(runsDir, r);
          real ??= await realpath(team).catch(() => team);
          if (!within(real, await realpath(dir).catch(() => dir))) continue;
          const other = seen.get(r);
          if (other !== undefined) {
            general.push({ file: dir, reason: `run id ${r} is also in ${other}; this copy is ignored` });
            continue;
          }
          seen.set(r, dir);
          out.push({ id: r, root, dir, log: join(dir, ORIGIN_FILE), source: teamSource });
        }
      }
    }
  }
  return out;
}

function find(id: string, roots: readonly string[]): FoundRun | undefined {
  if (!RUN_ID.test(id)) return undefined;
  const list = (dir: string) => {
    try {
      return readdirSync(dir);
    } catch {
      return [];
    }
  };
  for (const root of roots) {
    const team = join(root, TEAM_FOLDER);
    for (const owner of ownerDirs(team, list(team), list)) {
      const dir = join(owner, 'runs', id);
      if (statQuiet(dir)?.isDirectory() !== true) continue;
      try {
        if (!within(realpathSync(team), realpathSync(dir))) continue;
      } catch {
        continue;
      }
      return { id, root, dir, log: join(dir, ORIGIN_FILE), source: teamSource };
    }
  }
  return undefined;
}

export const teamSource: RunSource = {
  kind: 'team',
  capabilities: { readOnly: true, live: false },
  discover,
  find,
  open: openTeamRun,
};
