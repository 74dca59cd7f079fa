// File-system helpers for the index pass: a missing file is an answer (undefined), not an error, and errors
// become one line of text for a diagnostic. The stats are synchronous on purpose: a pass stats every log in
// batches of STAT_BATCH and yields between batches, and a cached-inode stat costs microseconds where a promise
// round trip per file cost more than the stat itself over thousands of runs (the warm start, P2).
import { statSync, type Stats } from 'node:fs';
import { stat } from 'node:fs/promises';

/** Files stat'ed per batch; the pass yields between batches. */
export const STAT_BATCH = 256;

export function errorText(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  return e?.code ? `${e.code}: ${e.message}` : err instanceof Error ? err.message : String(err);
}

/** Undefined when the path is missing or cannot be stat'ed (a symlink loop, a file where a folder should be). */
export function statQuiet(path: string): Stats | undefined {
  const s = statOrError(path);
  return typeof s === 'string' ? undefined : s;
}

/** Undefined when missing; the error's text when the path is there but cannot be stat'ed (ELOOP, EACCES, ENOTDIR). */
export function statOrError(path: string): Stats | undefined | string {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch (err) {
    return errorText(err);
  }
}

export async function statOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch {
    return undefined;
  }
}
