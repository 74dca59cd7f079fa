// Reading other tools' files safely: whole small files under a size cap, growing files line by line from their
// own offset (each file of a run has its own cursor, FileState.parts), and listing a run's files for the pass's
// change check. Only regular files are listed; a symlink is reported, never followed, so nothing outside the run
// folder is read whatever the folder holds.
import * as fs from 'node:fs';
import type { Dirent } from 'node:fs';
import { lstat, open, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { errorText } from '../../ingest/quietFs';
import type { PartCursor } from '../../ingest/runState';
import { FINGERPRINT_BYTES, printComplete, printOf, stillPrinted } from '../../ingest/fingerprint';
import { fingerprintOf, headOf, MAX_LINE_BYTES, READ_CHUNK, readLines } from '../../ingest/tailer';
import type { RunScan, ScannedFile } from '../runSource';
import { inSlot } from './ioSlots';

/** Tunables; tests lower them. */
export const fileLimits = {
  /** A file read whole (YAML, JSON, a param value) larger than this is not read: a diagnostic says so. */
  wholeBytes: 64 << 20,
  /** Files listed per run; past this the rest are left out (a diagnostic says so). */
  filesPerRun: 20_000,
  /** Folder depth listed inside a run (metric keys with `/` are folders). */
  depth: 16,
};

/** A run's files as a pass sees them, plus the links it would not follow and whether the listing was cut short. */
export interface RunListing extends RunScan {
  links: string[];
  truncated: boolean;
}

/** The calls listRun makes: asynchronous here, synchronous on a parse worker (listJob.ts). */
export interface ListIo {
  readdir(path: string): Promise<Dirent[]>;
  stat(path: string): Promise<{ size: number; mtimeMs: number }>;
  lstat(path: string): Promise<{ size: number; mtimeMs: number; isFile(): boolean }>;
}

/** Many at once, but no more than ioSlots.ts lets in flight. */
const slotIo: ListIo = {
  readdir: (path) => inSlot(() => readdir(path, { withFileTypes: true })),
  stat: (path) => inSlot(() => stat(path)),
  lstat: (path) => inSlot(() => lstat(path)),
};

/**
 * Lists the files under `dir` that `wanted(rel, isFolder)` accepts (relative paths with `/`, in listing order),
 * stats them, and sums their sizes and takes the newest mtime: the pass's cheap "did anything change". Folders
 * are listed and files stat'ed many at once (ioSlots.ts). Undefined when `dir` is gone; text when it cannot be
 * listed.
 */
export async function listRun(dir: string, wanted: (rel: string, isFolder: boolean) => boolean, extra: readonly string[] = [], io: ListIo = slotIo): Promise<RunListing | string | undefined> {
  const out: RunListing = { size: 0, mtimeMs: 0, files: [], links: [], truncated: false };
  let counted = 0;
  // A folder's files and subfolders' listings, in its listing order (a format's reader may go by file order).
  type Listed = Array<ScannedFile | undefined | Listed>;
  const walk = async (abs: string, rel: string, depth: number): Promise<Listed | string> => {
    let entries: Dirent[];
    try {
      entries = await io.readdir(abs);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return depth === 0 ? 'gone' : [];
      return errorText(err);
    }
    const items: Array<Promise<ScannedFile | undefined | Listed | string>> = [];
    for (const e of entries) {
      const r = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isSymbolicLink()) {
        if (wanted(r, false) || wanted(r, true)) out.links.push(r);
      } else if (e.isDirectory()) {
        if (depth < fileLimits.depth && wanted(r, true)) items.push(walk(join(abs, e.name), r, depth + 1));
      } else if (e.isFile() && wanted(r, false)) {
        if (counted >= fileLimits.filesPerRun) {
          out.truncated = true;
          continue;
        }
        counted++;
        items.push(
          io.stat(join(abs, e.name)).then(
            (s) => ({ rel: r, size: s.size, mtimeMs: s.mtimeMs }),
            // Deleted between the listing and the stat: as if never listed.
            () => undefined,
          ),
        );
      }
    }
    const done = await Promise.all(items);
    for (const d of done) if (typeof d === 'string' && d !== 'gone') return d;
    return done.filter((d): d is ScannedFile | undefined | Listed => typeof d !== 'string');
  };
  const add = (rel: string, size: number, mtimeMs: number) => {
    out.files.push({ rel, size, mtimeMs });
    out.size += size;
    if (mtimeMs > out.mtimeMs) out.mtimeMs = mtimeMs;
  };
  const flatten = (items: Listed) => {
    for (const f of items) {
      if (Array.isArray(f)) flatten(f);
      else if (f !== undefined) add(f.rel, f.size, f.mtimeMs);
    }
  };
  const listed = await walk(dir, '', 0);
  if (listed === 'gone') return undefined;
  if (typeof listed === 'string') return listed;
  flatten(listed);
  // Fixed files beside the run folder that the format defines (MLflow's experiment meta.yaml): regular files only.
  for (const rel of extra) {
    try {
      const s = await io.lstat(join(dir, rel));
      if (s.isFile()) add(rel, s.size, s.mtimeMs);
    } catch {
      // Not there: nothing to read.
    }
  }
  return out;
}

export function fileOf(files: readonly ScannedFile[] | undefined, rel: string): ScannedFile | undefined {
  return files?.find((f) => f.rel === rel);
}

/** A whole small file as text, or why it was not read (too large, unreadable). */
export async function readWhole(path: string, size: number): Promise<{ text: string } | { problem: string }> {
  if (size > fileLimits.wholeBytes) return { problem: tooLargeToRead(size, fileLimits.wholeBytes) };
  try {
    // The size the pass listed and a little more: open, one read, close (readFile stats it first). A file that
    // grew past that since the listing is read again whole.
    const room = Math.min(size + 4096, fileLimits.wholeBytes);
    const { buf, got } = await readRange(path, 0, room);
    const all = got < room ? buf.subarray(0, got) : await inSlot(() => readFile(path));
    return { text: all.toString('utf8', 0, Math.min(all.length, fileLimits.wholeBytes)) };
  } catch (err) {
    return { problem: `cannot read (${errorText(err)})` };
  }
}

/** Why a file over the cap of files read whole was not read. */
export function tooLargeToRead(size: number, cap: number): string {
  return `${(size / 2 ** 20).toFixed(0)} MB is more than the ${cap >> 20} MB read whole; not read`;
}

/**
 * Up to `want` bytes of `path` from `offset`, in one slot (open, read until done or the end, close); with
 * `head`, also the print of the file's first bytes (fingerprint.ts). On a plain descriptor: a FileHandle's
 * bookkeeping cost more than the read itself over thousands of small files.
 */
async function readRange(path: string, offset: number, want: number, head = false): Promise<{ buf: Buffer; got: number; head?: string }> {
  return inSlot(async () => {
    const fd = await fdOpen(path, 'r');
    try {
      const buf = Buffer.allocUnsafe(want);
      let got = 0;
      while (got < want) {
        const bytesRead = await fdRead(fd, buf, got, want - got, offset + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      if (!head) return { buf, got };
      const first = Buffer.alloc(FINGERPRINT_BYTES);
      return { buf, got, head: printOf(first, await fdRead(fd, first, 0, FINGERPRINT_BYTES, 0)) };
    } finally {
      await fdClose(fd);
    }
  });
}

const fdOpen = promisify(fs.open);
const fdRead = (fd: number, buf: Buffer, offset: number, length: number, position: number) =>
  new Promise<number>((resolve, reject) => fs.read(fd, buf, offset, length, position, (err, n) => (err ? reject(err) : resolve(n))));
const fdClose = promisify(fs.close);

export function newPartCursor(): PartCursor {
  return { size: 0, mtimeMs: 0, offset: 0, lines: 0, fingerprint: '' };
}

/**
 * Calls `line` for every complete line of `path` from the cursor up to `end` (the size the pass saw), and moves
 * the cursor past them; an incomplete last line is left for the next pass. Lines over the line cap are reported
 * through `tooLong` and skipped. The cursor's fingerprint is set from the file's first bytes.
 */
export async function tailLines(path: string, cursor: PartCursor, end: number, line: (text: string, lineNo: number, offset: number) => void, tooLong: (lineNo: number) => void): Promise<void> {
  const handle = await open(path, 'r');
  try {
    if (!printComplete(cursor.fingerprint)) cursor.fingerprint = await fingerprintOf(handle);
    for await (const batch of readLines(handle, cursor.offset, cursor.lines, end, MAX_LINE_BYTES)) {
      const { bytes } = batch;
      const skip = new Set(batch.tooLong);
      let lineNo = batch.firstLine;
      let offset = batch.endOffset - (batch.end - batch.start);
      for (let i = batch.start; i < batch.end; lineNo++) {
        const nl = bytes.indexOf(10, i);
        if (skip.has(lineNo)) tooLong(lineNo);
        else line(bytes.toString('utf8', i, nl > i && bytes[nl - 1] === 13 ? nl - 1 : nl), lineNo, offset);
        offset += nl + 1 - i;
        i = nl + 1;
      }
      for (const l of batch.tooLong) if (l >= lineNo) tooLong(l);
      cursor.offset = batch.endOffset;
      cursor.lines = batch.endLines;
    }
  } finally {
    await handle.close();
  }
}

/** New bytes read in one go; more are streamed in batches of READ_CHUNK. */
const ONE_READ = 8 << 20;

/** Complete lines of bytes: `bytes[start, end)` ends in `\n`; `firstLine` is the 1-based number of the first. */
export interface ByteLines {
  bytes: Buffer;
  start: number;
  end: number;
  firstLine: number;
  /** File offset of `bytes[start]`. */
  offset: number;
}

/**
 * Like tailLines, but hands over undecoded complete lines batch by batch (for formats read at byte level, where
 * a string per line would cost more than the parse). Small deltas take one read, with the fingerprint from the
 * same bytes; `after` runs between batches (to hand parts over), and ends the tail when it says false.
 */
export async function tailBytes(path: string, cursor: PartCursor, end: number, batch: (lines: ByteLines) => void, after: () => Promise<boolean>): Promise<void> {
  const want = end - cursor.offset;
  if (want <= 0) return;
  if (want <= ONE_READ) return tailSmall(path, cursor, end, batch);
  const handle = await open(path, 'r');
  try {
    if (!printComplete(cursor.fingerprint)) cursor.fingerprint = await fingerprintOf(handle);
    for await (const b of readLines(handle, cursor.offset, cursor.lines, end, MAX_LINE_BYTES)) {
      batch({ bytes: b.bytes, start: b.start, end: b.end, firstLine: b.firstLine, offset: b.endOffset - (b.end - b.start) });
      cursor.offset = b.endOffset;
      cursor.lines = b.endLines;
      if (!(await after())) return;
    }
  } finally {
    await handle.close();
  }
}

/** The longest record tailRaw buffers whole (a binary record format's record, say). */
export const MAX_RECORD_BYTES = 64 << 20;

/**
 * For binary record formats (TFRecord, LevelDB logs): hands `consume` the unread bytes from the cursor on, in
 * chunks of up to READ_CHUNK (more when one record is longer), with the file offset of the first; it returns how
 * many bytes it used (whole records only), and the rest waits for more bytes or the next pass. Returns false when
 * a record longer than MAX_RECORD_BYTES stopped the reading. The cursor moves past what was used.
 */
export async function tailRaw(path: string, cursor: PartCursor, end: number, consume: (bytes: Buffer, offset: number) => number, after: () => Promise<boolean>): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    if (!printComplete(cursor.fingerprint)) cursor.fingerprint = await fingerprintOf(handle);
    let buf = Buffer.allocUnsafe(Math.max(1, Math.min(READ_CHUNK, end - cursor.offset)));
    let fill = 0;
    while (cursor.offset + fill < end) {
      if (fill === buf.length) {
        if (buf.length >= MAX_RECORD_BYTES) return false;
        const bigger = Buffer.allocUnsafe(Math.min(buf.length * 2, MAX_RECORD_BYTES));
        buf.copy(bigger, 0, 0, fill);
        buf = bigger;
      }
      const { bytesRead } = await handle.read(buf, fill, Math.min(buf.length - fill, end - cursor.offset - fill), cursor.offset + fill);
      if (bytesRead === 0) break;
      fill += bytesRead;
      const used = consume(buf.subarray(0, fill), cursor.offset);
      if (used > 0) {
        buf.copy(buf, 0, used, fill);
        fill -= used;
        cursor.offset += used;
      }
      if (!(await after())) break;
    }
    return true;
  } finally {
    await handle.close();
  }
}

/** Hands over the complete lines in `buf[0, got)`, read at the cursor, and moves the cursor past them. */
function handOverLines(buf: Buffer, got: number, cursor: PartCursor, batch: (lines: ByteLines) => void): void {
  const last = buf.lastIndexOf(10, got - 1);
  if (last < 0) return;
  let lines = 0;
  for (let i = buf.indexOf(10, 0); i !== -1 && i <= last; i = buf.indexOf(10, i + 1)) lines++;
  batch({ bytes: buf, start: 0, end: last + 1, firstLine: cursor.lines + 1, offset: cursor.offset });
  cursor.offset += last + 1;
  cursor.lines += lines;
}

/** New bytes of up to ONE_READ, read in one slot (open, read, close), with the fingerprint from the same bytes. */
async function tailSmall(path: string, cursor: PartCursor, end: number, batch: (lines: ByteLines) => void): Promise<void> {
  const needHead = !printComplete(cursor.fingerprint);
  const { buf, got, head } = await readRange(path, cursor.offset, end - cursor.offset, needHead && cursor.offset > 0);
  if (head !== undefined) cursor.fingerprint = head;
  else if (needHead) cursor.fingerprint = printOf(buf, got);
  handOverLines(buf, got, cursor, batch);
}

/** A file's first bytes now (whether a rewrite kept what was read). */
async function headOfFile(path: string): Promise<{ head: Buffer; got: number }> {
  const handle = await open(path, 'r');
  try {
    return await headOf(handle);
  } finally {
    await handle.close();
  }
}

/**
 * Whether the tailed files' cursors still describe them: none shrank, none vanished, and none that changed was
 * rewritten (its first bytes differ from what was read). Files not in `parts` are read whole and do not matter.
 */
export async function partsResume(dir: string, parts: Record<string, PartCursor> | undefined, files: readonly ScannedFile[] | undefined): Promise<boolean> {
  if (parts === undefined) return true;
  const byRel = new Map((files ?? []).map((f) => [f.rel, f]));
  for (const [rel, cursor] of Object.entries(parts)) {
    // Files read whole (offset -1) are read again when they change; only tailed ones must still fit their cursor.
    if (cursor.offset < 0) continue;
    const f = byRel.get(rel);
    if (f === undefined || f.size < cursor.offset) return false;
    if (f.size === cursor.size && f.mtimeMs === cursor.mtimeMs) continue;
    try {
      const { head, got } = await headOfFile(join(dir, rel));
      if (!stillPrinted(cursor.fingerprint, head, got)) return false;
    } catch {
      return false;
    }
  }
  return true;
}
