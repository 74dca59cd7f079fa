// A run's header, read cheaply for the first rows of a cold start (issue 18): the `start` and `params` records at
// the head of its events.jsonl and the last records near its tail, each with one bounded read, and its user.json.
// What it gives is provisional: no metrics, and records between head and tail unseen. The full pass replaces it.
import { close, constants, fstat, open, read, type Stats } from 'node:fs';
import { join } from 'node:path';
import { parseLine } from '../ingest/lineParser';
import { applyRecord } from '../ingest/records';
import { newFileState, newRunState, type FileState, type RunState, type UserEdits } from '../ingest/runState';
import { PendingPoints } from '../ingest/seriesBuffer';
import { parseUserEdits, USER_FILE } from '../ingest/userEdits';

/** Bytes read from the start of a log: the start record (with its environment) and the params fit in far less. */
export const HEAD_BYTES = 64 * 1024;
/** Bytes read from the end: the final status (with its traceback) and the last record's time. */
export const TAIL_BYTES = 16 * 1024;
/** A user.json larger than this is not a user's edits; the full pass says what is wrong with it. */
const USER_BYTES = 64 * 1024;

export interface HeaderRun {
  id: string;
  root: string;
  dir: string;
  log: string;
  /** Where user.json lives; none for a run that takes no edits. */
  editsDir?: string;
}

export interface Header {
  state: RunState;
  /** Size and mtime of the log when read (the file cursor's other fields stay as new: nothing was indexed). */
  file: FileState;
}

const NEWLINE = 0x0a;
// Metric and system lines are most of a log and say nothing a header needs: recognised by their first bytes as
// the logger writes them, they are skipped without parsing. A line spelled otherwise is merely parsed.
const SKIPPED = ['{"t":"metrics"', '{"t":"system"'].map((p) => Buffer.from(p, 'latin1'));

function skipped(buf: Buffer, from: number): boolean {
  return SKIPPED.some((p) => buf.length - from >= p.length && buf.compare(p, 0, p.length, from, from + p.length) === 0);
}

/** The complete lines of `buf[from, to)` (each ends with a newline): [start, end) pairs, newline excluded. */
function linesOf(buf: Buffer, from: number, to: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let at = from;
  for (;;) {
    const nl = buf.indexOf(NEWLINE, at);
    if (nl < 0 || nl >= to) return out;
    out.push([at, nl]);
    at = nl + 1;
  }
}

/** Applies the header records among these lines; malformed ones are skipped (the full pass reports them). */
function applyLines(state: RunState, file: FileState, buf: Buffer, lines: Array<[number, number]>, points: PendingPoints): void {
  for (const [a, b] of lines) {
    if (b === a || skipped(buf, a)) continue;
    const parsed = parseLine(buf.toString('utf8', a, b));
    if (parsed.ok) applyRecord(state, file, parsed.record, points, () => undefined);
  }
}

/** The time of the last of these lines that has one (a metrics line's too: it is the log's last write). */
function lastTime(buf: Buffer, lines: Array<[number, number]>): number | undefined {
  for (let i = lines.length - 1; i >= 0; i--) {
    const [a, b] = lines[i];
    const parsed = parseLine(buf.toString('utf8', a, b));
    if (!parsed.ok) continue;
    const ts = parsed.record.ts;
    if (typeof ts === 'number' && Number.isFinite(ts)) return ts * 1000;
  }
  return undefined;
}

// Plain descriptors and callbacks, not fs/promises' FileHandle: over ten thousand logs a FileHandle (an event
// emitter with a finaliser) per file cost more main-thread time and garbage than the reads themselves.
// Non-blocking, so a FIFO named events.jsonl cannot hold a thread-pool thread forever; fstat then turns it down.
const openFd = (path: string): Promise<number> =>
  new Promise((resolve, reject) => open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0), (err, fd) => (err ? reject(err) : resolve(fd))));
const statFd = (fd: number): Promise<Stats> => new Promise((resolve, reject) => fstat(fd, (err, st) => (err ? reject(err) : resolve(st))));
const closeFd = (fd: number): Promise<void> => new Promise((resolve) => close(fd, () => resolve()));
const readFd = (fd: number, buf: Buffer, offset: number, length: number, position: number): Promise<number> =>
  new Promise((resolve, reject) => read(fd, buf, offset, length, position, (err, n) => (err ? reject(err) : resolve(n))));

/** Reads `length` bytes at `position` into the start of `buf` (fewer at the end of the file): the bytes read. */
async function readAt(fd: number, buf: Buffer, position: number, length: number): Promise<Buffer> {
  let got = 0;
  while (got < length) {
    const n = await readFd(fd, buf, got, length - got, position + got);
    if (n === 0) break;
    got += n;
  }
  return buf.subarray(0, got);
}

/**
 * Reads a run's header: undefined when its log is missing or unreadable (the full pass says why). `headBytes` and
 * `tailBytes` bound what is read, however large the log or its lines; a line cut by either bound is not used.
 * `scratch` (at least `headBytes` and `tailBytes` long) is reused from call to call: nothing read stays in it.
 * What can go at once does (user.json beside the log, the stat beside the head read, the close after): on a loaded
 * machine each wait for the thread pool costs far more than the read, and the first rows wait for a whole header.
 */
export async function readHeader(run: HeaderRun, headBytes = HEAD_BYTES, tailBytes = TAIL_BYTES, scratch = Buffer.allocUnsafe(Math.max(headBytes, tailBytes))): Promise<Header | undefined> {
  const edits = run.editsDir === undefined ? undefined : readEdits(join(run.editsDir, USER_FILE));
  let fd: number;
  try {
    fd = await openFd(run.log);
  } catch {
    return undefined;
  }
  const state = newRunState(run.id, run.root, run.dir);
  const file = newFileState(run.log);
  const points = new PendingPoints();
  try {
    const [stat, first] = await Promise.allSettled([statFd(fd), readFd(fd, scratch, 0, headBytes, 0)]);
    if (stat.status === 'rejected' || first.status === 'rejected' || !stat.value.isFile()) return undefined;
    const info = stat.value;
    // A read may return less than asked before the end of the file: read on to what the stat promised.
    let got = first.value;
    const want = Math.min(info.size, headBytes);
    if (got < want) got += (await readAt(fd, scratch.subarray(got), got, want - got)).length;
    const size = Math.max(info.size, got);
    file.size = size;
    file.mtimeMs = info.mtimeMs;
    const head = scratch.subarray(0, got);
    const headLines = linesOf(head, 0, head.length);
    applyLines(state, file, head, headLines, points);
    // Where the head's complete lines end: the tail starts there at the earliest, so no line is applied twice.
    const headEnd = headLines.length === 0 ? 0 : headLines[headLines.length - 1][1] + 1;
    let last = lastTime(head, headLines.slice(-3));
    if (size > head.length) {
      const from = Math.max(headEnd, size - tailBytes);
      const tail = await readAt(fd, scratch, from, size - from);
      // Unless it starts right after the head's last line, the tail starts mid-line: its first piece is not a line.
      const firstLine = from === headEnd ? 0 : tail.indexOf(NEWLINE) + 1;
      const tailLines = firstLine === 0 && from !== headEnd ? [] : linesOf(tail, firstLine, tail.length);
      applyLines(state, file, tail, tailLines, points);
      last = lastTime(tail, tailLines.slice(-3)) ?? last;
    }
    // The quiet-timeout rule (docs/log-format.md, Status) needs the last write: the last record's time, else the
    // file's mtime when the tail holds no whole record.
    if (last !== undefined) state.lastUpdate = Math.max(last, state.lastUpdate ?? last);
    else state.lastUpdate ??= info.mtimeMs;
  } catch {
    return undefined;
  } finally {
    // Nothing waits for the close: every read on this descriptor has settled.
    void closeFd(fd);
  }
  const user = await edits;
  if (user !== undefined) state.user = user;
  return { state, file };
}

/** The run's user.json edits; undefined when there is none or it is unusable (the full pass says why). */
async function readEdits(path: string): Promise<UserEdits | undefined> {
  let fd: number;
  try {
    fd = await openFd(path);
  } catch {
    return undefined;
  }
  let text: string;
  try {
    const buf = await readAt(fd, Buffer.allocUnsafe(USER_BYTES + 1), 0, USER_BYTES + 1);
    if (buf.length > USER_BYTES) return undefined;
    text = buf.toString('utf8');
  } catch {
    return undefined;
  } finally {
    void closeFd(fd);
  }
  return parseUserEdits(text).edits;
}
