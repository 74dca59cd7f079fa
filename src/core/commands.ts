// Command ids as typed constants, so package.json contributions and code cannot drift apart silently.
export const Commands = {
  refresh: 'trackside.refresh',
} as const;

export type CommandId = (typeof Commands)[keyof typeof Commands];
