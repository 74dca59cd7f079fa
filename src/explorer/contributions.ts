// Names the explorer shares with package.json besides its command ids (those are in src/core/commands.ts).
export const VIEW_ID = 'trackside.runs';

/** Context keys the explorer sets for `when` clauses in package.json. */
export const ContextKeys = {
  filtered: 'trackside.runs.filtered',
  showArchived: 'trackside.runs.showArchived',
  state: 'trackside.runs.state',
} as const;
