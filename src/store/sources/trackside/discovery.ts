// Finding Trackside's run folders: `<root>/runs/<id>/events.jsonl`.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { errorText, statQuiet } from '../../ingest/quietFs';
import type { Diagnostic } from '../../types';
import type { FoundRun, RunSource } from '../runSource';

export const LOG_FILE = 'events.jsonl';

/** The run with this id under the first root whose runs/ has its folder. */
export function findRun(source: RunSource, id: string, roots: readonly string[]): FoundRun | undefined {
  const root = roots.find((r) => statQuiet(join(r, 'runs', id))?.isDirectory());
  if (root === undefined) return undefined;
  const dir = join(root, 'runs', id);
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
    for (const e of entries) {
      if (!e.isDirectory() && !e.isSymbolicLink()) continue;
      const dir = join(runsDir, e.name);
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
