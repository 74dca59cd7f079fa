// Runs another tool wrote are read in place (a read-only source): Trackside writes nothing beside them. Their
// edits go to Trackside's side file (`editsDir`, see the store's sources.ts); deleting one only hides it. A
// read-only run without a side folder (no run folder configured) takes no edits, and the user is told why.
import type { ExplorerRun } from './run';

export interface WritableSplit {
  writable: ExplorerRun[];
  /** What to tell the user about the runs left alone; undefined when every run is writable. */
  refusal?: string;
}

/** The folder whose user.json holds the run's edits, or undefined when it takes none. */
export function editsFolder(run: ExplorerRun): string | undefined {
  return run.readOnly === true ? run.editsDir : run.dir;
}

export function splitWritable(runs: readonly ExplorerRun[], what: string): WritableSplit {
  const writable = runs.filter((r) => editsFolder(r) !== undefined);
  const skipped = runs.length - writable.length;
  if (skipped === 0) return { writable };
  const which = skipped === 1 ? `run ${runs.find((r) => editsFolder(r) === undefined)!.id} is` : `${skipped} of the selected runs are`;
  return { writable, refusal: `Could not ${what}: ${which} read-only (another tool's files, read in place, and no run folder to keep edits in).` };
}

/** Deleting splits runs in two: Trackside's own go to the trash, other tools' are only hidden (archived). */
export function splitDeletable(runs: readonly ExplorerRun[]): { trash: ExplorerRun[]; hide: ExplorerRun[] } {
  return { trash: runs.filter((r) => r.readOnly !== true), hide: runs.filter((r) => r.readOnly === true) };
}
