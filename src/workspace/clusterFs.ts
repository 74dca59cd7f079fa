// Which run folders are on a network file system (NFS, Lustre, GPFS, CIFS, …), where the OS's change events miss
// what other hosts write, and which errors of such a file system are passing (a stale handle, an I/O hiccup, a
// file another host removed) rather than failures. Pure except `networkRoots`, which reads /proc/mounts once.
import { readFile, realpath } from 'node:fs/promises';
import * as path from 'node:path';

export interface Mount {
  mountPoint: string;
  fsType: string;
}

/**
 * File system types whose change events do not see other machines' writes (or any writes: 9p and drvfs are how
 * WSL 2 and some containers see host folders). `fuse.*` types are matched by their suffix below.
 */
const NETWORK_TYPES = new Set(['nfs', 'nfs4', 'cifs', 'smb3', 'smbfs', 'lustre', 'gpfs', 'beegfs', 'ceph', 'glusterfs', 'panfs', 'orangefs', 'pvfs2', 'afs', 'ocfs2', 'gfs2', 'wekafs', 'quobyte', '9p', 'drvfs', 'virtiofs', 'davfs']);
const NETWORK_FUSE = new Set(['sshfs', 'glusterfs', 'ceph', 'cephfs', 'gcsfuse', 's3fs', 'rclone', 'juicefs', 'lustre', 'beegfs', 'davfs', 'goofys', 'blobfuse', 'blobfuse2']);

/** `/proc/mounts` text → mounts. Fields are space-separated with spaces, tabs and newlines written as octal escapes. */
export function parseMounts(text: string): Mount[] {
  const unescape = (s: string): string => s.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
  const mounts: Mount[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length < 3 || !fields[1]!.startsWith('/')) continue;
    mounts.push({ mountPoint: unescape(fields[1]!), fsType: fields[2]! });
  }
  return mounts;
}

/** The type of the file system holding `file`: the mount with the longest mount point above it (the last one wins). */
export function fsTypeOf(file: string, mounts: readonly Mount[]): string | undefined {
  let best: Mount | undefined;
  for (const m of mounts) {
    const inside = m.mountPoint === '/' || file === m.mountPoint || file.startsWith(m.mountPoint.endsWith('/') ? m.mountPoint : `${m.mountPoint}/`);
    if (inside && (!best || m.mountPoint.length >= best.mountPoint.length)) best = m;
  }
  return best?.fsType;
}

export function isNetworkFs(fsType: string | undefined): boolean {
  if (!fsType) return false;
  const t = fsType.toLowerCase();
  if (NETWORK_TYPES.has(t)) return true;
  if (t.startsWith('fuse.')) return NETWORK_FUSE.has(t.slice(5));
  return false;
}

/** Errors a network file system gives for a moment, or for a file another host just removed: retried, not failures. */
const PASSING = new Set(['ESTALE', 'EIO', 'ENOENT', 'ETIMEDOUT', 'ENOTCONN', 'EHOSTDOWN', 'EHOSTUNREACH', 'ECONNRESET', 'EAGAIN', 'EBUSY']);

export function passingFsError(err: unknown): { code: string; path?: string } | undefined {
  const e = err as { code?: unknown; path?: unknown } | null;
  if (!e || typeof e !== 'object' || typeof e.code !== 'string' || !PASSING.has(e.code)) return undefined;
  return typeof e.path === 'string' ? { code: e.code, path: e.path } : { code: e.code };
}

/**
 * The roots on a network file system, with their type, from /proc/mounts (Linux; elsewhere nothing is detected and
 * `trackside.pollLiveRuns: always` says so by hand). A root that does not exist yet is placed by its path.
 */
export async function networkRoots(roots: readonly string[], mountsFile = '/proc/mounts'): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  let mounts: Mount[];
  try {
    mounts = parseMounts(await readFile(mountsFile, 'utf8'));
  } catch {
    return found;
  }
  for (const root of roots) {
    const real = await realpath(root).catch(() => path.resolve(root));
    const type = fsTypeOf(real, mounts);
    if (type !== undefined && isNetworkFs(type)) found.set(root, type);
  }
  return found;
}

/** True when the index file is outside every run folder (a run folder may be shared by many hosts). */
export function indexOutsideRoots(dbPath: string, roots: readonly string[]): boolean {
  const file = path.resolve(dbPath);
  return roots.every((root) => {
    const rel = path.relative(path.resolve(root), file);
    return rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel);
  });
}
