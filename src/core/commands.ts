// Command ids as typed constants, so package.json contributions and code cannot drift apart silently.
export const Commands = {
  refresh: 'trackside.refresh',
  openRun: 'trackside.openRun',
  compareRuns: 'trackside.compareRuns',
} as const;

export type CommandId = (typeof Commands)[keyof typeof Commands];
