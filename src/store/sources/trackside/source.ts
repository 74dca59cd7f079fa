// Trackside's own logs: `<root>/runs/<id>/events.jsonl`, written by the Python logger while the run trains, with
// the user's edits in user.json beside them.
import type { RunSource } from '../runSource';
import { discoverRuns, findRun } from './discovery';
import { openLog } from './reader';

export const tracksideSource: RunSource = {
  kind: 'trackside',
  capabilities: { readOnly: false, live: true },
  discover: (roots, general) => discoverRuns(tracksideSource, roots, general),
  find: (id, roots) => findRun(tracksideSource, id, roots),
  open: openLog,
};
