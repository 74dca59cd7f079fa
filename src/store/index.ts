export * from './types';
export { openStore, LOG_FILE, USER_FILE } from './runStore';
export { stringifyWithFloats, parseWithFloats } from './floats';
export { downsampleIndices } from './downsample';
