import type { RunSummary } from '../../store/types';

/** A run as the explorer sees it: the store's summary with the user's edits (user.json) overlaid. */
export type ExplorerRun = RunSummary & { starred?: boolean; archived?: boolean };
