// Teammates' runs fetched through the git remote (src/team/): written by a fetch as Trackside logs under
// `<root>/team/<owner>/runs/<id>/events.jsonl` and read with Trackside's own reader. Read-only (they are someone
// else's runs; the next fetch rewrites them) and not live (a fetched snapshot never grows by itself).
import { readdirSync, realpathSync } from 'node:fs';
import { readdir, realpath } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { errorText, statQuiet } from '../../ingest/quietFs';
import type { Diagnostic } from '../../types';
import type { FoundRun, RunSource } from '../runSource';
import { LOG_FILE } from '../trackside/discovery';
import { openLog } from '../trackside/reader';

export const TEAM_FOLDER = 'team';
const OWNER = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$/;
const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

function within(holder: string, real: string): boolean {
  const rel = relative(holder, real);
  return rel !== '' && !isAbsolute(rel) && rel.split(sep)[0] !== '..';
}

async function discover(roots: readonly string[], general: Diagnostic[]): Promise<FoundRun[]> {
  const out: FoundRun[] = [];
  const seen = new Map<string, string>();
  for (const root of roots) {
    const team = join(root, TEAM_FOLDER);
    let owners;
    try {
      owners = await readdir(team, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') general.push({ file: team, reason: `cannot list team runs (${errorText(err)})` });
      continue;
    }
    let real: string | undefined;
    for (const o of owners) {
      // Only real folders: the fetch writes no links, so a link here was put by something else.
      if (!o.isDirectory() || !OWNER.test(o.name)) continue;
      const runsDir = join(team, o.name, 'runs');
      const runs = await readdir(runsDir, { withFileTypes: true }).catch(() => []);
      for (const r of runs) {
        if (!r.isDirectory() || !RUN_ID.test(r.name)) continue;
        const dir = join(runsDir, r.name);
        real ??= await realpath(team).catch(() => team);
        if (!within(real, await realpath(dir).catch(() => dir))) continue;
        const other = seen.get(r.name);
        if (other !== undefined) {
          general.push({ file: dir, reason: `run id ${r.name} is also in ${other}; this copy is ignored` });
          continue;
        }
        seen.set(r.name, dir);
        out.push({ id: r.name, root, dir, log: join(dir, LOG_FILE), source: teamSource });
      }
    }
  }
  return out;
}

function find(id: string, roots: readonly string[]): FoundRun | undefined {
  if (!RUN_ID.test(id)) return undefined;
  for (const root of roots) {
    const team = join(root, TEAM_FOLDER);
    let owners: string[];
    try {
      owners = readdirSync(team).filter((o) => OWNER.test(o));
    } catch {
      continue;
    }
    for (const owner of owners) {
      const dir = join(team, owner, 'runs', id);
      if (statQuiet(dir)?.isDirectory() !== true) continue;
      try {
        if (!within(realpathSync(team), realpathSync(dir))) continue;
      } catch {
        continue;
      }
      return { id, root, dir, log: join(dir, LOG_FILE), source: teamSource };
    }
  }
  return undefined;
}

export const teamSource: RunSource = {
  kind: 'team',
  capabilities: { readOnly: true, live: false },
  discover,
  find,
  open: openLog,
};
