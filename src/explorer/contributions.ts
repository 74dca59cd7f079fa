// Names the explorer shares with package.json besides its command ids and view id (src/core/commands.ts).

/** Context keys the explorer sets for `when` clauses in package.json. */
export const ContextKeys = {
  filtered: 'trackside.runs.filtered',
  showArchived: 'trackside.runs.showArchived',
  state: 'trackside.runs.state',
} as const;
