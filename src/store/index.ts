export * from './types';
export { openStore } from './runStore';
