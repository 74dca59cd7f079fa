// Reading and hashing the files a model version names, checked on disk each time: a file replaced after
// registration must show as changed, and a recorded path must not lead outside the Trackside root.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { isPlainPath, type ModelVersionRecord } from './format';

export interface FileDigest {
  size: number;
  sha256: string;
}

export type FileState = 'ok' | 'changed' | 'missing';

export interface FileStatus {
  state: FileState;
  /** Absolute path the version names (its real path when it exists). */
  path: string;
  /** Why it is not ok, in words. */
  reason?: string;
  size?: number;
  sha256?: string;
}

export async function digest(file: string): Promise<FileDigest> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { size, sha256: hash.digest('hex') };
}

function within(realRoot: string, real: string): boolean {
  const rel = path.relative(realRoot, real);
  return rel !== '' && !path.isAbsolute(rel) && rel.split(path.sep)[0] !== '..';
}

/** The real path of a plain relative path under `root`, or undefined when missing or outside it (symlinks followed). */
export async function realInside(root: string, relative: string): Promise<string | undefined> {
  if (!isPlainPath(relative.replace(/\\/g, '/'))) return undefined;
  try {
    const realRoot = await realpath(root);
    const real = await realpath(path.join(root, ...relative.split(/[\\/]/)));
    return within(realRoot, real) ? real : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Hashes by (path, size, mtime, inode): a view that refreshes every time a file under models/ changes must not
 * read gigabytes each time, but any write to the file changes one of these and is hashed again.
 */
export class DigestCache {
  private readonly known = new Map<string, FileDigest>();

  async of(file: string): Promise<FileDigest> {
    const s = await stat(file);
    const key = `${file}\u0000${s.size}\u0000${s.mtimeMs}\u0000${s.ino}`;
    const hit = this.known.get(key);
    if (hit !== undefined) return hit;
    const d = await digest(file);
    if (this.known.size > 1000) this.known.clear();
    this.known.set(key, d);
    return d;
  }
}

/** ok, changed (size or sha256 differs from the record) or missing (gone, not a file, or outside the root). */
export async function fileStatus(root: string, record: ModelVersionRecord, cache?: DigestCache): Promise<FileStatus> {
  const joined = path.join(root, ...record.file.split('/'));
  const real = await realInside(root, record.file);
  if (real === undefined) return { state: 'missing', path: joined, reason: `${record.file} is missing, or leads outside ${root}` };
  let s;
  try {
    s = await stat(real);
  } catch {
    return { state: 'missing', path: joined, reason: `${record.file} is missing` };
  }
  if (!s.isFile()) return { state: 'missing', path: real, reason: `${record.file} is not a file` };
  if (s.size !== record.size) return { state: 'changed', path: real, size: s.size, reason: `${record.file} is ${s.size} bytes; ${record.size} were registered` };
  const d = cache ? await cache.of(real) : await digest(real);
  if (d.sha256 !== record.sha256) return { state: 'changed', path: real, ...d, reason: `${record.file} has sha256 ${d.sha256.slice(0, 12)}…; ${record.sha256.slice(0, 12)}… was registered` };
  return { state: 'ok', path: real, ...d };
}
