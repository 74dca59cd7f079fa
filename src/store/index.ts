export * from './types';
export { openStore, pointsDir, LOG_FILE, USER_FILE } from './runStore';
export { parseUserEdits } from './userEdits';
export type { UserEdits } from './runState';
export { stringifyWithFloats, parseWithFloats } from './floats';
export { downsampleIndices } from './downsample';
// For bundles: name a script whose worker-thread start calls serveParseJobs (dist/cli.js does).
export { setParseWorkerScript } from './parsePool';
