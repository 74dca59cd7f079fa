// Paths recorded in a log (artifacts, saved diffs) are untrusted: a hostile or careless log can name
// `../../.ssh/id_rsa`, an absolute path, or a symlink inside the run folder that points anywhere.
import { lstat, realpath } from 'node:fs/promises';
import * as path from 'node:path';

/**
 * Whether a recorded path is plainly relative: not absolute (POSIX, `\\`, drive letter, UNC), no `..` segment
 * (even one that would come back inside: recorded paths have no reason to climb), no NUL.
 */
export function isPlainRelative(relative: string): boolean {
  if (relative === '' || relative.includes('\u0000')) return false;
  if (/^[\\/]/.test(relative) || /^[a-zA-Z]:/.test(relative)) return false;
  return !relative.split(/[\\/]/).some((part) => part === '..');
}

/** The root joined with a plain relative path, without touching the disk; undefined when the path is not plain. */
export function joinInside(root: string, relative: string): string | undefined {
  if (!isPlainRelative(relative)) return undefined;
  const parts = relative.split(/[\\/]/).filter((p) => p !== '' && p !== '.');
  return parts.length ? [root.replace(/[\\/]+$/, ''), ...parts].join('/') : undefined;
}

function within(realRoot: string, real: string): boolean {
  const rel = path.relative(realRoot, real);
  // Another drive on Windows gives an absolute result; `..` means it climbed out.
  return rel !== '' && !path.isAbsolute(rel) && rel.split(path.sep)[0] !== '..';
}

/**
 * The real path of `relative` under `root`, or undefined when it does not exist or is not inside `root` once
 * every symlink on either side is resolved. Open what this returns, not the joined path, so the file checked
 * is the file opened.
 *
 * `root` is a run folder, `<runs root>/runs/<id>`: when it is itself a symlink, the file must also be inside
 * the real path of that runs root (two levels up) or of runs/, so a run folder linked out of its root lends
 * none of its files (the store does not index such a folder either; see sources/trackside/discovery.ts).
 */
export async function resolveInside(root: string, relative: string): Promise<string | undefined> {
  const joined = joinInside(root, relative);
  if (!joined) return undefined;
  let realRoot: string;
  let real: string;
  let holders: string[] = [];
  try {
    realRoot = await realpath(root);
    real = await realpath(joined);
    if ((await lstat(root)).isSymbolicLink()) {
      const runs = path.dirname(path.resolve(root));
      holders = await Promise.all([realpath(runs), realpath(path.dirname(runs))]);
    }
  } catch {
    return undefined;
  }
  if (!within(realRoot, real)) return undefined;
  if (holders.length > 0 && !holders.some((h) => within(h, real))) return undefined;
  return real;
}
