// Runs another tool wrote are read in place (a read-only source): Trackside writes nothing beside them, so edits
// and deletion skip them and say why, instead of failing on some runs of a selection or touching foreign files.
import type { ExplorerRun } from './run';

export interface WritableSplit {
  writable: ExplorerRun[];
  /** What to tell the user about the runs left alone; undefined when every run is writable. */
  refusal?: string;
}

export function splitWritable(runs: readonly ExplorerRun[], what: string): WritableSplit {
  const writable = runs.filter((r) => r.readOnly !== true);
  const skipped = runs.length - writable.length;
  if (skipped === 0) return { writable };
  const which = skipped === 1 ? `run ${runs.find((r) => r.readOnly === true)!.id} is` : `${skipped} of the selected runs are`;
  return { writable, refusal: `Could not ${what}: ${which} read-only (another tool's files, read in place).` };
}
