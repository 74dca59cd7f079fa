// Finding run folders under the roots, and the quiet fs helpers the index pass uses on them.
import { statSync, type Stats } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Diagnostic } from '../types';

export const LOG_FILE = 'events.jsonl';
export const USER_FILE = 'user.json';
export const STAT_BATCH = 256;

export interface Candidate {
  id: string;
  root: string;
  dir: string;
}

export function errorText(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e?.code ? `${e.code}: ${e.message}` : err instanceof Error ? err.message : String(err);
}

export function statQuiet(path: string): Stats | undefined {
  return statSync(path, { throwIfNoEntry: false });
}

async function statOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch {
    return undefined;
  }
}

/** Where runs with these ids live: known runs where they were, new ones under the first root that has them. */
export function locateRuns(runIds: string[], roots: readonly string[], known: (id: string) => { root: string; dir: string } | undefined): Candidate[] {
  const out: Candidate[] = [];
  for (const id of new Set(runIds)) {
    // An id is a folder name; anything that could climb out of runs/ is not one.
    if (id === '' || id === '.' || id === '..' || /[\\/]/.test(id)) continue;
    const cached = known(id);
    if (cached !== undefined) {
      out.push({ id, root: cached.root, dir: cached.dir });
      continue;
    }
    const root = roots.find((r) => statQuiet(join(r, 'runs', id))?.isDirectory());
    if (root !== undefined) out.push({ id, root, dir: join(root, 'runs', id) });
  }
  return out;
}

export async function discoverRuns(roots: readonly string[], general: Diagnostic[]): Promise<Candidate[]> {
  const out: Candidate[] = [];
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
    for (const e of entries) {
      if (!e.isDirectory() && !e.isSymbolicLink()) continue;
      const dir = join(runsDir, e.name);
      const other = seen.get(e.name);
      if (other !== undefined) {
        general.push({ file: dir, reason: `run id ${e.name} is also in ${other}; this copy is ignored` });
        continue;
      }
      seen.set(e.name, dir);
      out.push({ id: e.name, root, dir });
    }
  }
  return out;
}

/** Total size of the candidates' logs, by stat (cheap; only used to size the index up front). */
export async function logBytes(candidates: Candidate[], knownCount: number, isKnown: (id: string) => boolean): Promise<number> {
  if (knownCount >= candidates.length) return 0;
  let total = 0;
  for (let b = 0; b < candidates.length; b += STAT_BATCH) {
    const sizes = await Promise.all(candidates.slice(b, b + STAT_BATCH).map((c) => (isKnown(c.id) ? 0 : statOrUndefined(join(c.dir, LOG_FILE)).then((s) => s?.size ?? 0))));
    for (const s of sizes) total += s;
  }
  return total;
}
