// Writing blobs and trees with git plumbing: blobs through one `fast-import` (marks only, no commit), trees through one
// `mktree --batch` per depth (children before parents). No index, no work tree, no checkout is touched.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { git, gitStream } from './git';

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
 * Blobs written by one `git fast-import` for a whole publish (straight into a pack: no loose object per file, and
 * the push reuses the pack's compressed data), fed run by run while the next runs are read: git packs on one core
 * while the snapshots are made on the other, and a run's bytes are let go once git has them. Marks name the
 * blobs; `finish` reads the exported marks file and puts each blob's id in its tree.
 */
export class BlobImport {
  private readonly pending: Array<{ map: Map<string, Buffer | string>; name: string }> = [];
  private stream: ReturnType<typeof gitStream> | undefined;
  private dir: string | undefined;

  constructor(
    private readonly cwd: string,
    /** Holds the marks file for the duration. */
    private readonly tmpParent: string,
  ) {}

  /** Sends every blob of `tree` given as bytes; resolves when git has taken them in. */
  async add(tree: TreeSpec): Promise<void> {
    const parts: Buffer[] = [];
    const walk = (t: TreeSpec) => {
      for (const [name, b] of t.blobs) {
        if (typeof b === 'string') continue;
        this.pending.push({ map: t.blobs, name });
        parts.push(Buffer.from(`blob\nmark :${this.pending.length}\ndata ${b.length}\n`), b, Buffer.from('\n'));
        // The mark until finish() gives the id: the tree no longer holds the bytes once git has them.
        t.blobs.set(name, `:${this.pending.length}`);
      }
      for (const sub of t.trees.values()) if (typeof sub !== 'string') walk(sub);
    };
    walk(tree);
    if (parts.length === 0) return;
    if (this.stream === undefined) {
      this.dir = await mkdtemp(join(this.tmpParent, 'trackside-blobs-'));
      this.stream = gitStream(['fast-import', '--quiet', '--done', '--big-file-threshold=1m', `--export-marks=${join(this.dir, 'marks')}`], { cwd: this.cwd });
    }
    await this.stream.write(Buffer.concat(parts));
  }

  /** Ends the import and gives every blob sent its id; returns how many. */
  async finish(): Promise<number> {
    if (this.stream === undefined) return 0;
    const dir = this.dir as string;
    try {
      await this.stream.write('done\n');
      await this.stream.end();
      const ids = new Map<number, string>();
      for (const line of (await readFile(join(dir, 'marks'), 'utf8')).split('\n')) {
        const m = /^:(\d+) ([0-9a-f]{40,64})$/.exec(line);
        if (m !== null) ids.set(Number(m[1]), m[2]);
      }
      this.pending.forEach((p, i) => {
        const id = ids.get(i + 1);
        if (id === undefined) throw new Error(`git fast-import gave no id for blob ${i + 1}`);
        p.map.set(p.name, id);
      });
      return this.pending.length;
    } finally {
      this.stream = undefined;
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** Stops an import that will not be finished (a failure meanwhile); what it wrote is unreferenced. */
  async abort(): Promise<void> {
    if (this.stream === undefined) return;
    const dir = this.dir as string;
    this.stream.kill();
    this.stream = undefined;
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
    if (typeof b !== 'string' || b.startsWith(':')) throw new Error(`blob ${name} was not written`);
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
