// Writing blobs and trees with git plumbing: blobs through one `fast-import` (marks only, no commit), trees through one
// `mktree --batch` per depth (children before parents). No index, no work tree, no checkout is touched.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
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

/**
 * Writes every blob given as bytes with one `git fast-import` (straight into a pack: no loose object per file, and
 * the push reuses the pack's compressed data); returns how many. Marks name the blobs, and the exported marks
 * file gives their ids. `tmpParent` holds that file for the duration.
 */
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
    const marks = join(dir, 'marks');
    const parts: Buffer[] = [];
    pending.forEach((p, i) => {
      parts.push(Buffer.from(`blob\nmark :${i + 1}\ndata ${p.bytes.length}\n`), p.bytes, Buffer.from('\n'));
    });
    parts.push(Buffer.from('done\n'));
    await git(['fast-import', '--quiet', '--done', '--big-file-threshold=1m', `--export-marks=${marks}`], { cwd, input: Buffer.concat(parts) });
    const ids = new Map<number, string>();
    for (const line of (await readFile(marks, 'utf8')).split('\n')) {
      const m = /^:(\d+) ([0-9a-f]{40,64})$/.exec(line);
      if (m !== null) ids.set(Number(m[1]), m[2]);
    }
    pending.forEach((p, i) => {
      const id = ids.get(i + 1);
      if (id === undefined) throw new Error(`git fast-import gave no id for blob ${i + 1}`);
      p.map.set(p.name, id);
    });
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
