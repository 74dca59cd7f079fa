// Writing blobs and trees with git plumbing: blobs through one `hash-object --stdin-paths`, trees through one
// `mktree --batch` per depth (children before parents). No index, no work tree, no checkout is touched.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { git } from './git';

export interface TreeEntry {
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  id: string;
  name: string;
}

/** A tree to write: blobs by bytes or id, subtrees to write or already written (by id). */
export interface TreeSpec {
  blobs: Map<string, Buffer | string>;
  trees: Map<string, TreeSpec | string>;
}

export const newTree = (): TreeSpec => ({ blobs: new Map(), trees: new Map() });

/** Puts bytes at a `/`-separated path, creating subtrees on the way. */
export function putBlob(tree: TreeSpec, path: string, bytes: Buffer | string): void {
  const parts = path.split('/');
  let t = tree;
  for (const p of parts.slice(0, -1)) {
    let next = t.trees.get(p);
    if (next === undefined || typeof next === 'string') {
      next = newTree();
      t.trees.set(p, next);
    }
    t = next;
  }
  t.blobs.set(parts[parts.length - 1], bytes);
}

/** Writes every blob given as bytes (through files in a temporary folder under `tmpParent`); returns how many. */
export async function writeBlobs(cwd: string, tmpParent: string, trees: TreeSpec[]): Promise<number> {
  const pending: Array<{ map: Map<string, Buffer | string>; name: string; bytes: Buffer }> = [];
  const walk = (t: TreeSpec) => {
    for (const [name, b] of t.blobs) if (typeof b !== 'string') pending.push({ map: t.blobs, name, bytes: b });
    for (const sub of t.trees.values()) if (typeof sub !== 'string') walk(sub);
  };
  trees.forEach(walk);
  if (pending.length === 0) return 0;
  const dir = await mkdtemp(join(tmpParent, 'trackside-blobs-'));
  try {
    const paths: string[] = [];
    // Written a few dozen at a time: enough to overlap the writes, few enough to bound open files.
    for (let i = 0; i < pending.length; i += 64) {
      await Promise.all(
        pending.slice(i, i + 64).map((p, j) => {
          const path = join(dir, String(i + j));
          paths[i + j] = path;
          return writeFile(path, p.bytes);
        }),
      );
    }
    const ids = (await git(['hash-object', '-w', '--no-filters', '--stdin-paths'], { cwd, input: paths.join('\n') + '\n' })).trim().split('\n');
    if (ids.length !== pending.length) throw new Error(`git hash-object returned ${ids.length} ids for ${pending.length} files`);
    pending.forEach((p, i) => p.map.set(p.name, ids[i]));
    return pending.length;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

function depthOf(t: TreeSpec): number {
  let d = 0;
  for (const sub of t.trees.values()) if (typeof sub !== 'string') d = Math.max(d, depthOf(sub) + 1);
  return d;
}

/** Writes the trees (their blobs must be written) bottom-up; returns the ids of `roots` in order. */
export async function writeTrees(cwd: string, roots: TreeSpec[]): Promise<string[]> {
  const byDepth = new Map<number, TreeSpec[]>();
  const ids = new Map<TreeSpec, string>();
  const collect = (t: TreeSpec): number => {
    let d = 0;
    for (const sub of t.trees.values()) if (typeof sub !== 'string') d = Math.max(d, collect(sub) + 1);
    const list = byDepth.get(d) ?? [];
    if (!list.includes(t)) list.push(t);
    byDepth.set(d, list);
    return d;
  };
  roots.forEach(collect);
  const max = Math.max(0, ...roots.map(depthOf));
  for (let d = 0; d <= max; d++) {
    const level = byDepth.get(d) ?? [];
    if (level.length === 0) continue;
    const input = level.map((t) => mktreeLines(t, ids)).join('\n\n') + '\n';
    const out = (await git(['mktree', '--batch', '-z'], { cwd, input: input.replace(/\n/g, '\0') })).trim().split('\n');
    if (out.length !== level.length) throw new Error(`git mktree returned ${out.length} trees for ${level.length}`);
    level.forEach((t, i) => ids.set(t, out[i]));
  }
  return roots.map((t) => ids.get(t) as string);
}

function mktreeLines(t: TreeSpec, ids: Map<TreeSpec, string>): string {
  const lines: string[] = [];
  for (const [name, b] of t.blobs) {
    if (typeof b !== 'string') throw new Error(`blob ${name} was not written`);
    lines.push(`100644 blob ${b}\t${name}`);
  }
  for (const [name, sub] of t.trees) {
    const id = typeof sub === 'string' ? sub : ids.get(sub);
    if (id === undefined) throw new Error(`tree ${name} was not written`);
    lines.push(`040000 tree ${id}\t${name}`);
  }
  return lines.join('\n');
}

/** The entries of a tree (one level). */
export async function lsTree(cwd: string, treeish: string, maxBytes = 64 * 1024 * 1024): Promise<TreeEntry[]> {
  const out = await git(['ls-tree', '-z', treeish], { cwd, maxBytes });
  const entries: TreeEntry[] = [];
  for (const rec of out.split('\0')) {
    if (rec === '') continue;
    const tab = rec.indexOf('\t');
    const [mode, type, id] = rec.slice(0, tab).split(' ');
    entries.push({ mode, type: type as TreeEntry['type'], id, name: rec.slice(tab + 1) });
  }
  return entries;
}

/** Writes a tree from entries as they are (ids already in the repository). */
export async function mktreeFrom(cwd: string, entries: TreeEntry[]): Promise<string> {
  const input = entries.map((e) => `${e.mode} ${e.type} ${e.id}\t${e.name}`).join('\0') + '\0';
  return (await git(['mktree', '-z'], { cwd, input })).trim();
}
