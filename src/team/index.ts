// Team runs through the git remote: the layer the CLI and the extension share (no `vscode`).
export { GitError } from './git';
export { changedRunIds, pullRuns, type PullReport } from './pull';
export { publishRuns, PushError, type PublishReport, type SharedRun } from './publish';
export { sharedByMe, unshareRuns, type UnshareReport } from './unshare';
export { TeamSetupError } from './repo';
export { DEFAULT_SETTINGS, type TeamSettings } from './snapshot';
export { TEAM_DIR } from './materialise';
