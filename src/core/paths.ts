// Paths recorded in a log (artifacts, saved diffs) are untrusted: a hostile or careless log can name
// `../../.ssh/id_rsa`, an absolute path, or a symlink inside the run folder that points anywhere.
import { realpath } from 'node:fs/promises';
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

/**
 * The real path of `relative` under `root`, or undefined when it does not exist or is not inside `root` once
 * every symlink on either side is resolved. Open what this returns, not the joined path, so the file checked
 * is the file opened.
 */
export async function resolveInside(root: string, relative: string): Promise<string | undefined> {
  const joined = joinInside(root, relative);
  if (!joined) return undefined;
  let realRoot: string;
  let real: string;
  try {
    realRoot = await realpath(root);
    real = await realpath(joined);
  } catch {
    return undefined;
  }
  const rel = path.relative(realRoot, real);
  // Another drive on Windows gives an absolute result; `..` means it climbed out.
  if (rel === '' || path.isAbsolute(rel) || rel.split(path.sep)[0] === '..') return undefined;
  return real;
}
