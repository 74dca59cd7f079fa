// Command ids the explorer registers or calls. Ids registered by other features are listed so menus and calls
// cannot drift from their names silently.
export const ExplorerCommands = {
  refresh: 'trackside.refresh',
  filter: 'trackside.filterRuns',
  clearFilter: 'trackside.clearFilter',
  sort: 'trackside.sortRuns',
  showArchived: 'trackside.showArchivedRuns',
  hideArchived: 'trackside.hideArchivedRuns',
  compareSelected: 'trackside.compareSelected',
  copyRunId: 'trackside.copyRunId',
  copyValue: 'trackside.copyValue',
  revealRunFolder: 'trackside.revealRunFolder',
  star: 'trackside.starRun',
  unstar: 'trackside.unstarRun',
  rename: 'trackside.renameRun',
  editTags: 'trackside.editTags',
  editNotes: 'trackside.editNotes',
  archive: 'trackside.archiveRun',
  unarchive: 'trackside.unarchiveRun',
  delete: 'trackside.deleteRun',
  openArtifact: 'trackside.openArtifact',
  copyQuickstart: 'trackside.copyLoggerQuickstart',
  openDocs: 'trackside.openDocumentation',
  showOutput: 'trackside.showOutput',
} as const;

/** Registered by the charts and rerun features; the explorer only calls them or puts them in menus. */
export const ForeignCommands = {
  openRun: 'trackside.openRun',
  compareRuns: 'trackside.compareRuns',
  rerun: 'trackside.rerun',
  compareWithParent: 'trackside.compareWithParent',
} as const;

export const VIEW_ID = 'trackside.runs';

/** Context keys the explorer sets for `when` clauses in package.json. */
export const ContextKeys = {
  filtered: 'trackside.runs.filtered',
  showArchived: 'trackside.runs.showArchived',
  state: 'trackside.runs.state',
} as const;
