import type { RunSummary } from '../../store/types';

/** A run as the explorer sees it: the store's summary, with the user's edits (user.json) already overlaid. */
export type ExplorerRun = RunSummary;
