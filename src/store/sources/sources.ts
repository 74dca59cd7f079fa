// Every kind of run the store reads, and finding runs across them. A new source is a folder beside trackside/
// and one entry in SOURCES.
import { join } from 'node:path';
import type { RunState } from '../ingest/runState';
import type { Diagnostic } from '../types';
import { walkFolders } from './foreign/walk';
import type { FoundRun, RunSource } from './runSource';
import { huggingfaceSource } from './huggingface/source';
import { lightningSource } from './lightning/source';
import { mlflowSource } from './mlflow/source';
import { sacredSource } from './sacred/source';
import { tensorboardSource } from './tensorboard/source';
import { teamSource } from './team/source';
import { tracksideSource } from './trackside/source';
import { wandbSource } from './wandb/source';

/** Looked through in this order: when two sources have a run with the same id, the first one keeps it. */
export const SOURCES: readonly RunSource[] = [tracksideSource, teamSource, mlflowSource, huggingfaceSource, lightningSource, sacredSource, tensorboardSource, wandbSource];

/** Every kind of source there is, for settings and the CLI (a source can be switched off by its kind). */
export const SOURCE_KINDS = ['trackside', 'mlflow', 'tensorboard', 'huggingface', 'lightning', 'wandb', 'sacred'] as const;

/** A run that has not written for this long, with no status, is crashed unless a setting says otherwise. */
export const DEFAULT_CRASH_AFTER_MS = 120_000;

/** The kinds of run a store reads: the given ones (all by default) less those turned off. */
export function enabledSources(sources: readonly RunSource[] | undefined, sourcesOff: readonly string[] | undefined): RunSource[] {
  const off = new Set(sourcesOff ?? []);
  return (sources ?? SOURCES).filter((s) => !off.has(s.kind));
}

/**
 * The user's edits of a run of a read-only source (renames, tags, notes, stars, hiding) go to Trackside's own side
 * file, never beside the run: `<first root>/foreign/<kind>/<id>/user.json`. A run folder is that root's `runs/<id>`,
 * so the two never meet. Without a root, such runs take no edits.
 */
export const FOREIGN_EDITS = 'foreign';

export function editsDirOf(run: Pick<FoundRun, 'id' | 'dir' | 'source'>, roots: readonly string[]): string | undefined {
  if (!run.source.capabilities.readOnly) return run.dir;
  return roots.length === 0 ? undefined : join(roots[0], FOREIGN_EDITS, run.source.kind, run.id);
}

/** Where to look: Trackside's roots for sources that list a root's runs, the scan folders for foreign formats. */
export interface SearchFolders {
  roots: readonly string[];
  /** Folders walked for foreign formats; the roots themselves when not given. */
  scan?: readonly string[];
}

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

export async function discoverRuns(sources: readonly RunSource[], where: SearchFolders | readonly string[], general: Diagnostic[]): Promise<FoundRun[]> {
  const { roots, scan } = Array.isArray(where) ? { roots: where as readonly string[], scan: undefined } : (where as SearchFolders);
  if (sources.length === 1 && sources[0].claim === undefined) return sources[0].discover(roots, general);
  const claiming = sources.filter((s) => s.claim !== undefined);
  // One walk for every foreign source: the tree is listed once however many formats look at it.
  const claimed = claiming.length === 0 ? new Map<RunSource, FoundRun[]>() : await walkFolders(claiming, scan ?? roots, general, new Set(roots.flatMap((r) => [join(r, 'runs'), join(r, FOREIGN_EDITS)])));
  const out: FoundRun[] = [];
  const seen = new Map<string, string>();
  for (const source of sources) {
    const found = source.claim === undefined ? await source.discover(roots, general) : (claimed.get(source) ?? []);
    for (const run of found) {
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
