// Media paths come from the log, and a run folder (a cloned repo, a teammate's share) can hold symlinks pointing
// anywhere: a path is only handed out after it was found, with every symlink followed, inside the run folder.
// Anything else is `missing` with why, so a hostile path shows exactly as a deleted file does.
import { realpath, stat } from 'node:fs/promises';
import * as path from 'node:path';
import type { MediaFile } from '../types';

/** Refuses what can never name a file under the run folder, before touching the disk. */
export function plainRelative(rel: string): boolean {
  if (rel === '' || rel.includes('\0') || rel.includes('\\')) return false;
  if (rel.startsWith('/') || /^[a-zA-Z]:/.test(rel)) return false;
  return !rel.split('/').some((seg) => seg === '..');
}

/** Real run folders by folder, for the life of one query: realpath costs a thread-pool round trip. */
export type RootCache = Map<string, Promise<string | undefined>>;

/** Checks one media file of the run in `runDir` (see MediaFile). */
export async function mediaFile(runDir: string, rel: string, roots: RootCache = new Map()): Promise<MediaFile> {
  if (!plainRelative(rel)) return { path: rel, state: 'missing', why: 'refused' };
  let root = roots.get(runDir);
  if (root === undefined) {
    root = realpath(runDir).catch(() => undefined);
    roots.set(runDir, root);
  }
  const realRoot = await root;
  if (realRoot === undefined) return { path: rel, state: 'missing', why: 'missing' };
  let real: string;
  try {
    real = await realpath(path.join(runDir, rel));
  } catch {
    return { path: rel, state: 'missing', why: 'missing' };
  }
  const inside = path.relative(realRoot, real);
  if (inside === '' || inside.startsWith('..') || path.isAbsolute(inside)) return { path: rel, state: 'missing', why: 'refused' };
  try {
    const s = await stat(real);
    if (!s.isFile()) return { path: rel, state: 'missing', why: 'missing' };
    // Spelled under runDir as given: the webview's resource roots name that (possibly symlinked) folder.
    return { path: rel, state: 'ok', abs: path.join(runDir, inside), size: s.size };
  } catch {
    return { path: rel, state: 'missing', why: 'missing' };
  }
}
