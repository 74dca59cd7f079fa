// Finding Trackside's run folders: `<root>/runs/<id>/events.jsonl`.
import { realpathSync } from 'node:fs';
import { readdir, realpath } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { errorText, statQuiet } from '../../ingest/quietFs';
import type { Diagnostic } from '../../types';
import type { FoundRun, RunSource } from '../runSource';

export const LOG_FILE = 'events.jsonl';

/**
 * A run folder may be a symlink, followed only while its real path stays inside the root's (or runs/'s, which
 * may itself be a link to another disk): anyone who can make a folder under runs/ must not make the index
 * (and the artifacts it offers) read from anywhere else.
 */
export const OUTSIDE_ROOT = 'is a link to a folder outside its root; not read';

function inside(holders: readonly string[], real: string): boolean {
  return holders.some((h) => {
    const rel = relative(h, real);
    return rel !== '' && !isAbsolute(rel) && rel.split(sep)[0] !== '..';
  });
}

/** The run with this id under the first root whose runs/ has its folder. */
export function findRun(source: RunSource, id: string, roots: readonly string[]): FoundRun | undefined {
  const root = roots.find((r) => statQuiet(join(r, 'runs', id))?.isDirectory());
  if (root === undefined) return undefined;
  const dir = join(root, 'runs', id);
  // Synchronous like the stat above (find is, for passes over a few named runs); same rule as discoverRuns.
  try {
    if (!inside([realpathSync(root), realpathSync(join(root, 'runs'))], realpathSync(dir))) return undefined;
  } catch {
    return undefined;
  }
  return { id, root, dir, log: join(dir, LOG_FILE), source };
}

export async function discoverRuns(source: RunSource, roots: readonly string[], general: Diagnostic[]): Promise<FoundRun[]> {
  const out: FoundRun[] = [];
  const seen = new Map<string, string>();
  for (const root of roots) {
    const runsDir = join(root, 'runs');
    let entries;
    try {
      entries = await readdir(runsDir, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') general.push({ file: runsDir, reason: `cannot list runs (${errorText(err)})` });
      continue;
    }
    let holders: string[] | undefined;
    for (const e of entries) {
      if (!e.isDirectory() && !e.isSymbolicLink()) continue;
      const dir = join(runsDir, e.name);
      if (e.isSymbolicLink()) {
        let real: string | undefined;
        try {
          holders ??= await Promise.all([realpath(root), realpath(runsDir)]);
          real = await realpath(dir);
        } catch {
          // A dangling or looping link: the pass's stat of its log reports it, as for any unreadable folder.
        }
        if (real !== undefined && holders !== undefined && !inside(holders, real)) {
          general.push({ file: dir, reason: `run folder ${e.name} ${OUTSIDE_ROOT}` });
          continue;
        }
      }
      const other = seen.get(e.name);
      if (other !== undefined) {
        general.push({ file: dir, reason: `run id ${e.name} is also in ${other}; this copy is ignored` });
        continue;
      }
      seen.set(e.name, dir);
      out.push({ id: e.name, root, dir, log: join(dir, LOG_FILE), source });
    }
  }
  return out;
}
