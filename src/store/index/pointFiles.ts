// Where sealed chunks live: one append-only file per run beside the index (or buffers, for an index kept in
// memory). The sql.js index holds only their positions, so a warm start reads a few MB instead of every point,
// and persisting never copies the points again.
//
// A file is only ever written past the length the index has committed for it, so bytes left by a pass that died
// before its commit are simply overwritten by the next one; a run reindexed from scratch gets a new file, and
// the old one is deleted once a persisted index no longer names it (prune).
import { randomBytes } from 'node:crypto';
import { close as fsClose, open as fsOpen, read as fsRead } from 'node:fs';
import { mkdir, open, readdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';

export interface PointFiles {
  /** A name for a new file: never one in use. */
  newName(): string;
  /**
   * Writes `bytes`, then `then` when given, at `at` (the committed length) in file `name`, creating it; a write at
   * 0 starts it afresh. Two parts so a commit's bodies and overviews go out without being joined in a copy.
   */
  write(name: string, at: number, bytes: Uint8Array, then?: Uint8Array): Promise<void>;
  /**
   * The bytes of each [position, length] range; rejects when the file is missing or too short. With `scratch`,
   * they are views into its buffer, valid until its next use.
   */
  read(name: string, ranges: ReadonlyArray<readonly [number, number]>, scratch?: ReadScratch): Promise<Uint8Array[]>;
  /**
   * Deletes every file not named in `keep`, except those of another live index (two windows on one workspace,
   * or the CLI beside the extension): what it has written but not yet persisted is named in no image on disk.
   * `listed`: the folder's entries, when listed already (see listing).
   */
  prune(keep: ReadonlySet<string>, listed?: Promise<string[] | undefined>): Promise<void>;
  /**
   * The folder's entries (undefined when it cannot be listed), for a prune: listed while the index file is read,
   * a warm start does not wait for it afterwards.
   */
  listing(): Promise<string[] | undefined>;
  /** The files there are, to find runs whose points were lost; undefined when that cannot be told. */
  names(): Promise<Set<string> | undefined>;
  /** Gives up this index's claim on its files (see prune): what a persisted image does not name may then go. */
  release(): Promise<void>;
  /** A new file another thread may write directly (see workerSeal.ts); absent when files are not on disk. */
  sealTarget?(): Promise<{ path: string; name: string }>;
}

/** A point file is missing or shorter than the index says: the run must be reindexed from its log. */
export class PointFileLost extends Error {}

/**
 * A buffer reused from read to read. series() reads a hundred series of 100k points in a row: fresh buffers for
 * each cost more in page faults and collection than the reads themselves.
 */
export class ReadScratch {
  private buf = Buffer.allocUnsafeSlow(0);

  /** `bytes` of room at offset 0 of a buffer of its own (8-aligned for float views). */
  take(bytes: number): Buffer {
    if (this.buf.length < bytes) this.buf = Buffer.allocUnsafeSlow(Math.max(bytes, Math.min(this.buf.length * 2, 64 << 20)));
    return this.buf;
  }
}

const SUFFIX = '.pts';
const NAME = /^[0-9a-f]{16}\.pts$/;
/** `<prefix>.owner`: which process writes the files whose names start with that prefix (see prune). */
const OWNER = /^([0-9a-f]{8})\.owner$/;
const PREFIX_LENGTH = 8;

interface Owner {
  pid: number;
  host: string;
}

/**
 * Whether the process that wrote an owner file may still be writing. On this host a pid that is gone says no
 * (a reused pid only keeps files longer, the safe side). Another host's process cannot be asked: its claim
 * holds for a day after its last touch of the file, so a crashed remote indexer's files go eventually.
 */
function ownerAlive(owner: Owner | undefined, touchedMs: number, nowMs: number): boolean {
  if (owner === undefined || typeof owner.pid !== 'number' || typeof owner.host !== 'string') return false;
  if (owner.host !== hostname()) return nowMs - touchedMs < 86_400_000;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const openFd = (path: string) => new Promise<number>((resolve, reject) => fsOpen(path, 'r', (err, fd) => (err ? reject(err) : resolve(fd))));
const readFd = (fd: number, buf: Buffer, offset: number, length: number, position: number) =>
  new Promise<number>((resolve, reject) => fsRead(fd, buf, offset, length, position, (err, n) => (err ? reject(err) : resolve(n))));
const closeFd = (fd: number) => new Promise<void>((resolve) => fsClose(fd, () => resolve()));

/** Merges ranges that touch, so a series written in one pass is one read. */
function coalesce(ranges: ReadonlyArray<readonly [number, number]>): { spans: Array<[number, number]>; where: Array<[number, number]> } {
  const order = ranges.map((_, i) => i).sort((a, b) => ranges[a][0] - ranges[b][0]);
  const spans: Array<[number, number]> = [];
  const where: Array<[number, number]> = new Array(ranges.length);
  for (const i of order) {
    const [at, length] = ranges[i];
    const last = spans[spans.length - 1];
    if (last !== undefined && last[0] + last[1] === at) {
      where[i] = [spans.length - 1, last[1]];
      last[1] += length;
    } else {
      where[i] = [spans.length, 0];
      spans.push([at, length]);
    }
  }
  return { spans, where };
}

export class DiskPointFiles implements PointFiles {
  private made = false;
  /** Names are a random prefix per store and a counter: unique without a random draw per file (a cold index makes 1,000). */
  private readonly prefix = randomBytes(4).toString('hex');
  private next = 0;

  constructor(private readonly dir: string) {}

  newName(): string {
    return `${this.prefix}${(this.next++).toString(16).padStart(8, '0')}${SUFFIX}`;
  }

  async sealTarget(): Promise<{ path: string; name: string }> {
    await this.ensureDir();
    const name = this.newName();
    return { path: this.path(name), name };
  }

  private async ensureDir(): Promise<void> {
    if (this.made) return;
    await mkdir(this.dir, { recursive: true });
    // The folder often sits in the workspace (the CLI's default index is under .trackside/): keep it out of git.
    await writeFile(join(this.dir, '.gitignore'), '# Trackside point files: rebuilt from the run logs.\n*\n', { flag: 'wx' }).catch(() => undefined);
    // Claimed before the first file of this prefix exists, so another index's prune never sees it unclaimed.
    const owner: Owner = { pid: process.pid, host: hostname() };
    await writeFile(this.ownerPath(this.prefix), JSON.stringify(owner));
    this.made = true;
  }

  private ownerPath(prefix: string): string {
    return join(this.dir, `${prefix}.owner`);
  }

  async release(): Promise<void> {
    if (!this.made) return;
    this.made = false;
    await unlink(this.ownerPath(this.prefix)).catch(() => undefined);
  }

  async names(): Promise<Set<string> | undefined> {
    try {
      return new Set((await readdir(this.dir)).filter((n) => NAME.test(n)));
    } catch (err) {
      // No folder yet: no files, which is what an index that never sealed a chunk has.
      return (err as NodeJS.ErrnoException).code === 'ENOENT' ? new Set() : undefined;
    }
  }

  private path(name: string): string {
    // Names come from the index; one that is not ours must not reach outside the folder.
    if (!NAME.test(name)) throw new Error(`not a point file name: ${JSON.stringify(name)}`);
    return join(this.dir, name);
  }

  async write(name: string, at: number, bytes: Uint8Array, then?: Uint8Array): Promise<void> {
    await this.ensureDir();
    let handle;
    try {
      handle = await open(this.path(name), at === 0 ? 'w' : 'r+');
    } catch (err) {
      if (at > 0 && (err as NodeJS.ErrnoException).code === 'ENOENT') throw new PointFileLost(`${name} is missing`);
      throw err;
    }
    try {
      if (at > 0) {
        if ((await handle.stat()).size < at) throw new PointFileLost(`${name} is shorter than the index says`);
        // Cut what a pass that died before committing left behind, then write in place (not O_APPEND).
        await handle.truncate(at);
      }
      let pos = at;
      for (const part of then === undefined ? [bytes] : [bytes, then]) {
        let done = 0;
        while (done < part.length) {
          const { bytesWritten } = await handle.write(part, done, part.length - done, pos + done);
          done += bytesWritten;
        }
        pos += part.length;
      }
    } finally {
      await handle.close();
    }
  }

  async read(name: string, ranges: ReadonlyArray<readonly [number, number]>, scratch?: ReadScratch): Promise<Uint8Array[]> {
    if (ranges.length === 0) return [];
    const { spans, where } = coalesce(ranges);
    // One buffer for all spans, each at an 8-aligned offset (not from Node's pool), so float views are aligned.
    const starts: number[] = [];
    let total = 0;
    for (const [, length] of spans) {
      starts.push(total);
      total += Math.ceil(length / 8) * 8;
    }
    const buf = scratch?.take(total) ?? Buffer.allocUnsafeSlow(total);
    // The callback API on a bare descriptor: FileHandle's promises and finalizers were a third of a large read's
    // time on the main thread.
    const fd = await openFd(this.path(name));
    try {
      await Promise.all(
        spans.map(async ([at, length], k) => {
          let done = 0;
          while (done < length) {
            const got = await readFd(fd, buf, starts[k] + done, length - done, at + done);
            if (got === 0) throw new Error(`${name} ends before byte ${at + length}`);
            done += got;
          }
        }),
      );
      // Plain views: Buffer#subarray costs a microsecond each, and a full view of 100 series makes thousands.
      return where.map(([span, offset], i) => new Uint8Array(buf.buffer, buf.byteOffset + starts[span] + offset, ranges[i][1]));
    } finally {
      await closeFd(fd);
    }
  }

  listing(): Promise<string[] | undefined> {
    return readdir(this.dir).catch(() => undefined);
  }

  async prune(keep: ReadonlySet<string>, listed?: Promise<string[] | undefined>): Promise<void> {
    const names = await (listed ?? this.listing());
    if (names === undefined) return;
    // This index's own unnamed files go: it knows what it has not persisted is not needed.
    const live = new Set<string>();
    const dead: string[] = [];
    const now = Date.now();
    for (const name of names) {
      const prefix = OWNER.exec(name)?.[1];
      if (prefix === undefined || prefix === this.prefix) continue;
      const path = this.ownerPath(prefix);
      const [text, info] = await Promise.all([readFile(path, 'utf8').catch(() => undefined), stat(path).catch(() => undefined)]);
      if (info === undefined) continue;
      let owner: Owner | undefined;
      try {
        owner = text === undefined ? undefined : (JSON.parse(text) as Owner);
      } catch {
        owner = undefined;
      }
      if (ownerAlive(owner, info.mtimeMs, now)) live.add(prefix);
      else dead.push(path);
    }
    const doomed = names.filter((n) => NAME.test(n) && !keep.has(n) && !live.has(n.slice(0, PREFIX_LENGTH)));
    await Promise.all(doomed.map((n) => unlink(join(this.dir, n)).catch(() => undefined)));
    // A dead owner's claim goes after its files, so a prune that stops midway leaves the claim to find again.
    await Promise.all(dead.map((p) => unlink(p).catch(() => undefined)));
  }
}

/** For an index without a file: the same contract over buffers. */
export class MemoryPointFiles implements PointFiles {
  private readonly files = new Map<string, { bytes: Uint8Array; length: number }>();
  private next = 0;

  newName(): string {
    return `${(this.next++).toString(16).padStart(16, '0')}${SUFFIX}`;
  }

  write(name: string, at: number, bytes: Uint8Array, then?: Uint8Array): Promise<void> {
    const file = this.files.get(name) ?? { bytes: new Uint8Array(0), length: 0 };
    if (at > file.length) return Promise.reject(new PointFileLost(`${name} is shorter than the index says`));
    const need = at + bytes.length + (then?.length ?? 0);
    if (need > file.bytes.length) {
      const grown = new Uint8Array(Math.max(need, file.bytes.length * 2));
      grown.set(file.bytes.subarray(0, at));
      file.bytes = grown;
    }
    file.bytes.set(bytes, at);
    if (then !== undefined) file.bytes.set(then, at + bytes.length);
    file.length = need;
    this.files.set(name, file);
    return Promise.resolve();
  }

  read(name: string, ranges: ReadonlyArray<readonly [number, number]>): Promise<Uint8Array[]> {
    const file = this.files.get(name);
    try {
      return Promise.resolve(
        ranges.map(([at, length]) => {
          if (file === undefined || at + length > file.length) throw new Error(`${name} ends before byte ${at + length}`);
          // A copy in a buffer of its own, as from disk: aligned, and not changed by later writes.
          return file.bytes.slice(at, at + length);
        }),
      );
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }

  prune(keep: ReadonlySet<string>): Promise<void> {
    for (const name of [...this.files.keys()]) if (!keep.has(name)) this.files.delete(name);
    return Promise.resolve();
  }

  listing(): Promise<string[] | undefined> {
    return Promise.resolve(undefined);
  }

  names(): Promise<Set<string> | undefined> {
    return Promise.resolve(new Set(this.files.keys()));
  }

  release(): Promise<void> {
    return Promise.resolve();
  }
}
