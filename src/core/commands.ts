// Every command id Trackside contributes, as typed constants, so package.json contributions and code cannot drift
// apart silently (commands.test.ts checks both directions).
export const Commands = {
  // The Runs view.
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
  // Help.
  copyQuickstart: 'trackside.copyLoggerQuickstart',
  openDocs: 'trackside.openDocumentation',
  showOutput: 'trackside.showOutput',
  // Panels.
  openRun: 'trackside.openRun',
  openRunToSide: 'trackside.openRunToSide',
  keepDashboardOpen: 'trackside.keepDashboardOpen',
  keepCompareOpen: 'trackside.keepCompareOpen',
  compareRuns: 'trackside.compareRuns',
  // Rerun.
  rerun: 'trackside.rerun',
  compareWithParent: 'trackside.compareWithParent',
  // Python path.
  copyLoggerToWorkspace: 'trackside.copyLoggerToWorkspace',
  // Models.
  registerModel: 'trackside.registerModel',
  moveModelAlias: 'trackside.moveModelAlias',
  openModelCard: 'trackside.openModelCard',
  revealModelRun: 'trackside.revealModelRun',
  rerunModelVersion: 'trackside.rerunModelVersion',
  compareModelVersions: 'trackside.compareModelVersions',
  refreshModels: 'trackside.refreshModels',
  editModelDescription: 'trackside.editModelDescription',
  // Team runs through the git remote.
  shareRuns: 'trackside.shareRuns',
  fetchTeamRuns: 'trackside.fetchTeamRuns',
  unshareRuns: 'trackside.unshareRuns',
  // Sweeps.
  newSweep: 'trackside.newSweep',
  sweepAroundRun: 'trackside.sweepAroundRun',
  runSweep: 'trackside.runSweep',
  stopSweep: 'trackside.stopSweep',
  pauseSweep: 'trackside.pauseSweep',
  resumeSweep: 'trackside.resumeSweep',
  openSweep: 'trackside.openSweep',
} as const;

/** The Runs view: the explorer draws it, the store service shows indexing progress in it. */
export const VIEW_ID = 'trackside.runs';

export type CommandId = (typeof Commands)[keyof typeof Commands];
