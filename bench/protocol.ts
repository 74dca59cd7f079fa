// What bench/run.ts asks of bench/child.ts, and how the answer comes back.

/** Prefix of the one stdout line that carries a child's result, so stray logging cannot be mistaken for it. */
export const RESULT_PREFIX = '@@bench ';

export type Task =
  | { kind: 'parse'; root: string }
  | { kind: 'index'; root: string; dbPath: string; aside?: string }
  | { kind: 'warm'; root: string; dbPath: string }
  | { kind: 'warmBaseline'; root: string; dbPath: string }
  | { kind: 'append'; root: string; dbPath: string; runId: string; key: string; lastStep: number; repeats: number }
  | { kind: 'series'; root: string; dbPath: string; key: string; points: number; repeats: number }
  | { kind: 'list'; root: string; dbPath: string; repeats: number }
  | { kind: 'mlflowParse'; root: string }
  | { kind: 'tbIndex'; root: string; dbPath: string }
  | { kind: 'tbBaseline'; file: string }
  | { kind: 'tbDecode'; file: string };

export type Result = Record<string, number | string | boolean | undefined>;
