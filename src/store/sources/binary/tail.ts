// Tailing a binary log (a TensorBoard event file, a W&B record log) from its cursor: windows of one
// buffer go to a format's scanner, which reports where the next scan starts (always just past the last whole
// record) and how many bytes it needs to go on. A record larger than the window grows the window to fit it;
// a record cut by the file's end is left for the next pass.
import { open, type FileHandle } from 'node:fs/promises';
import type { PartCursor } from '../../ingest/runState';
import { printComplete } from '../../ingest/fingerprint';
import { fingerprintOf } from '../../ingest/tailer';

export interface ScanResult {
  /** File offset where the next scan starts: just past the last record taken or skipped. */
  next: number;
  /** Bytes from `next` the window must hold to go on (0 when nothing is pending). */
  need: number;
}

/** Scans `bytes` (the file from offset `base`); `fileEnd` is the file's size as the pass saw it. */
export type Scanner = (bytes: Uint8Array, base: number, fileEnd: number) => ScanResult;

export const tailLimits = {
  /** Bytes read per window; tests lower it to cross window boundaries. */
  window: 8 << 20,
};

/** Room before a window for the unscanned end of the one before (a record cut by the window's end). */
const CARRY = 64 << 10;

/** A window read ahead: bytes from `at` into `buf[CARRY…]`; `len` asked for, `got` the promise of what came. */
interface Ahead {
  at: number;
  len: number;
  buf: Buffer;
  got: Promise<number>;
}

async function readFully(handle: FileHandle, buf: Buffer, offset: number, length: number, position: number): Promise<number> {
  let got = 0;
  while (got < length) {
    const { bytesRead } = await handle.read(buf, offset + got, length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got;
}

/**
 * Reads `path` from `cursor.offset` up to `end`, scanning window by window, and moves `cursor.offset` along.
 * `between` runs after each window (to hand over points); returning false stops early, and so does this
 * (false: the rest is left for the next pass). Sets the fingerprint. The next window is read while this one is
 * scanned (and its points handed over), into a second buffer, behind room for this one's unscanned end.
 */
export async function tailBinary(path: string, cursor: PartCursor, end: number, scan: Scanner, between: () => Promise<boolean>): Promise<boolean> {
  const handle = await open(path, 'r');
  let ahead: Ahead | undefined;
  try {
    if (!printComplete(cursor.fingerprint)) cursor.fingerprint = await fingerprintOf(handle);
    let pos = cursor.offset;
    let want = 0;
    // Two buffers per tail (several runs are read at once), sized to what is new: a live file's pass reads
    // little. The window being scanned is `cur`; `spare` takes the read ahead.
    let cur: Buffer = Buffer.allocUnsafe(0);
    let spare: Buffer = Buffer.allocUnsafe(0);
    // Where `cur` holds the file: `cur[from]` is the byte at file offset `pos`, `cur[from + got]` the window's end.
    while (pos < end) {
      const size = Math.min(end - pos, Math.max(tailLimits.window, want));
      let from: number;
      let got: number;
      let fileEnd: number;
      const carried = ahead === undefined ? -1 : ahead.at - pos;
      if (ahead !== undefined && carried >= 0 && carried <= CARRY && size <= carried + ahead.len) {
        // The read ahead starts where this window's carried bytes (the last one's unscanned end) stop.
        const n = await ahead.got;
        const next = ahead.buf;
        from = CARRY - carried;
        got = carried + n;
        fileEnd = n < ahead.len ? ahead.at + n : end;
        ahead = undefined;
        spare = cur;
        cur = next;
      } else {
        if (ahead !== undefined) await ahead.got.catch(() => 0);
        ahead = undefined;
        if (cur.length < CARRY + size) cur = Buffer.allocUnsafe(CARRY + Math.max(size, Math.min(cur.length * 2, tailLimits.window)));
        from = CARRY;
        got = await readFully(handle, cur, CARRY, size, pos);
        // A file that shrank under the pass: read what is there; the next pass's resume check sees the rest.
        fileEnd = got < size ? pos + got : end;
      }
      const windowEnd = pos + got;
      if (windowEnd < fileEnd) {
        const len = Math.min(fileEnd - windowEnd, tailLimits.window);
        if (spare.length < CARRY + len) spare = Buffer.allocUnsafe(CARRY + Math.max(len, Math.min(spare.length * 2, tailLimits.window)));
        const buf = spare;
        ahead = { at: windowEnd, len, buf, got: readFully(handle, buf, CARRY, len, windowEnd) };
      }
      const r = scan(cur.subarray(from, from + got), pos, fileEnd);
      cursor.offset = r.next;
      if (r.need > 0 && r.next + r.need > fileEnd) break;
      if (r.need === 0 && r.next <= pos) break;
      want = r.need;
      // The window's unscanned end goes before the bytes read ahead.
      const rest = windowEnd - r.next;
      if (ahead !== undefined && rest <= CARRY) ahead.buf.set(cur.subarray(from + got - rest, from + got), CARRY - rest);
      pos = r.next;
      if (!(await between())) return false;
    }
    return true;
  } finally {
    if (ahead !== undefined) await ahead.got.catch(() => 0);
    await handle.close();
  }
}
