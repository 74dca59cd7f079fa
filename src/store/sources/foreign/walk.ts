// Finding foreign runs: one walk of the scan folders per pass, shared by every source that claims folders (MLflow,
// Hugging Face, Lightning, Sacred, …), so a workspace is listed once however many formats look at it. The walk is
// bounded (depth, folder count), skips trees no run lives in (dependencies, VCS data, caches, Trackside's own
// folders) and follows no symlink: a link is neither walked nor offered, so nothing outside a scan folder is read.
import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { errorText } from '../../ingest/quietFs';
import type { Diagnostic } from '../../types';
import type { FoundRun, RunSource, WalkedFolder } from '../runSource';

/** Tunables; tests lower them. */
export const walkLimits = {
  /** Folders below a scan folder: deeper trees are not runs anyone would look for. */
  depth: 10,
  /** Folders listed per scan folder; past this the walk stops there and says so. */
  folders: 40_000,
};

/** Folder names never walked into: dependencies, environments, VCS data and caches. Hidden folders are skipped too. */
const SKIP = new Set(['node_modules', '__pycache__', 'site-packages', 'dist-packages', 'venv', 'env', '.git', 'bower_components']);

const LISTS_AT_ONCE = 16;

/**
 * Walks `scan` (absolute folders) and asks each source about every folder; returns each source's runs. `skip`
 * holds folders not to enter (a Trackside root's `runs/` and side folder, which the native source reads itself).
 */
export async function walkFolders(sources: readonly RunSource[], scan: readonly string[], general: Diagnostic[], skip: ReadonlySet<string> = new Set()): Promise<Map<RunSource, FoundRun[]>> {
  const out = new Map<RunSource, FoundRun[]>(sources.map((s) => [s, []]));
  const claimedDirs = new Set<string>();
  for (const root of new Set(scan)) {
    let listed = 0;
    let queue: Array<{ dir: string; depth: number }> = [{ dir: root, depth: 0 }];
    let capped = false;
    while (queue.length > 0) {
      const next: Array<{ dir: string; depth: number }> = [];
      for (let i = 0; i < queue.length; i += LISTS_AT_ONCE) {
        const batch = queue.slice(i, i + LISTS_AT_ONCE);
        if (listed + batch.length > walkLimits.folders) {
          capped = true;
          break;
        }
        listed += batch.length;
        const lists = await Promise.all(batch.map((b) => list(b.dir, general, b.depth === 0)));
        for (let j = 0; j < batch.length; j++) {
          const entries = lists[j];
          if (entries === undefined) continue;
          const { dir, depth } = batch[j];
          const files = new Set<string>();
          const dirs = new Set<string>();
          for (const e of entries) {
            if (e.isFile()) files.add(e.name);
            else if (e.isDirectory()) dirs.add(e.name);
          }
          const folder: WalkedFolder = { dir, rel: relative(root, dir).split(sep).join('/'), root, files, dirs };
          let stop = false;
          for (const source of sources) {
            const claim = source.claim?.(folder);
            if (claim === undefined) continue;
            for (const r of claim.runs) {
              if (claimedDirs.has(r.dir)) continue;
              claimedDirs.add(r.dir);
              out.get(source)!.push({ id: r.id, root, dir: r.dir, log: r.log, source });
            }
            if (claim.stop === true) stop = true;
          }
          if (stop || depth >= walkLimits.depth) continue;
          for (const name of dirs) {
            if (SKIP.has(name) || name.startsWith('.')) continue;
            const child = join(dir, name);
            if (!skip.has(child)) next.push({ dir: child, depth: depth + 1 });
          }
        }
        if (capped) break;
      }
      if (capped) {
        general.push({ file: root, reason: `more than ${walkLimits.folders.toLocaleString('en-US')} folders: the search for other tools' runs stopped there (add the folders that hold them in the settings)` });
        break;
      }
      queue = next;
    }
  }
  return out;
}

async function list(dir: string, general: Diagnostic[], top: boolean): Promise<Dirent[] | undefined> {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // A scan folder that does not exist is a setting for later; a folder gone mid-walk was being deleted.
    if (code !== 'ENOENT' && code !== 'ENOTDIR' && !(top && code === 'EACCES')) general.push({ file: dir, reason: `cannot list the folder (${errorText(err)})` });
    return undefined;
  }
}
