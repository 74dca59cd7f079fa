// Every kind of run the store reads, and finding runs across them. A new source is a folder beside trackside/
// and one entry in SOURCES.
import type { RunState } from '../ingest/runState';
import type { Diagnostic } from '../types';
import type { FoundRun, RunSource } from './runSource';
import { teamSource } from './team/source';
import { tracksideSource } from './trackside/source';

/** Looked through in this order: when two sources have a run with the same id, the first one keeps it. */
export const SOURCES: readonly RunSource[] = [tracksideSource, teamSource];

/** The source a stored run came from (RunState.source; Trackside's own runs store none). */
export function sourceOf(sources: readonly RunSource[], kind: string | undefined): RunSource | undefined {
  return kind === undefined ? tracksideSource : sources.find((s) => s.kind === kind);
}

/** Marks a new run's state with its source, unless it is Trackside's own (whose states predate sources). */
export function markSource(state: RunState, source: RunSource): void {
  if (source !== tracksideSource) state.source = source.kind;
}

/** What a stored run needs to be found again without listing: where it was, and the source it came from. */
export interface KnownRun {
  root: string;
  dir: string;
  log: string;
  kind: string | undefined;
}

export async function discoverRuns(sources: readonly RunSource[], roots: readonly string[], general: Diagnostic[]): Promise<FoundRun[]> {
  if (sources.length === 1) return sources[0].discover(roots, general);
  const out: FoundRun[] = [];
  const seen = new Map<string, string>();
  for (const source of sources) {
    for (const run of await source.discover(roots, general)) {
      const other = seen.get(run.id);
      if (other !== undefined) {
        general.push({ file: run.dir, reason: `run id ${run.id} is also in ${other}; this copy is ignored` });
        continue;
      }
      seen.set(run.id, run.dir);
      out.push(run);
    }
  }
  return out;
}

/** Where runs with these ids live: known runs where they were, new ones as the first source finds them. */
export function locateRuns(sources: readonly RunSource[], runIds: string[], roots: readonly string[], known: (id: string) => KnownRun | undefined): FoundRun[] {
  const out: FoundRun[] = [];
  for (const id of new Set(runIds)) {
    // An id is a folder name; anything that could climb out of the roots is not one.
    if (id === '' || id === '.' || id === '..' || /[\\/]/.test(id)) continue;
    const cached = known(id);
    if (cached !== undefined) {
      const source = sourceOf(sources, cached.kind);
      if (source !== undefined) out.push({ id, root: cached.root, dir: cached.dir, log: cached.log, source });
      continue;
    }
    for (const source of sources) {
      const run = source.find(id, roots);
      if (run !== undefined) {
        out.push(run);
        break;
      }
    }
  }
  return out;
}
