// Tailing a binary log (a TensorBoard event file, a W&B record log) from its cursor: windows of one
// buffer go to a format's scanner, which reports where the next scan starts (always just past the last whole
// record) and how many bytes it needs to go on. A record larger than the window grows the window to fit it;
// a record cut by the file's end is left for the next pass.
import { open } from 'node:fs/promises';
import type { PartCursor } from '../../ingest/runState';
import { FINGERPRINT_BYTES } from '../../ingest/tailer';

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

/**
 * Reads `path` from `cursor.offset` up to `end`, scanning window by window, and moves `cursor.offset` along.
 * `between` runs after each window (to hand over points); returning false stops early, and so does this
 * (false: the rest is left for the next pass). Sets the fingerprint.
 */
export async function tailBinary(path: string, cursor: PartCursor, end: number, scan: Scanner, between: () => Promise<boolean>): Promise<boolean> {
  const handle = await open(path, 'r');
  try {
    if (cursor.fingerprint.length < FINGERPRINT_BYTES * 2) {
      const head = Buffer.alloc(FINGERPRINT_BYTES);
      const { bytesRead } = await handle.read(head, 0, FINGERPRINT_BYTES, 0);
      cursor.fingerprint = head.toString('hex', 0, bytesRead);
    }
    let pos = cursor.offset;
    let want = 0;
    // One buffer per tail (several runs are read at once), sized to what is new: a live file's pass reads little.
    let buf = Buffer.allocUnsafe(0);
    while (pos < end) {
      const size = Math.min(end - pos, Math.max(tailLimits.window, want));
      if (buf.length < size) buf = Buffer.allocUnsafe(Math.max(size, Math.min(buf.length * 2, tailLimits.window)));
      let got = 0;
      while (got < size) {
        const { bytesRead } = await handle.read(buf, got, size - got, pos + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      // A file that shrank under the pass: read what is there; the next pass's resume check sees the rest.
      const fileEnd = got < size ? pos + got : end;
      const r = scan(buf.subarray(0, got), pos, fileEnd);
      cursor.offset = r.next;
      if (r.need > 0 && r.next + r.need > fileEnd) break;
      if (r.need === 0 && r.next <= pos) break;
      want = r.need;
      pos = r.next;
      if (!(await between())) return false;
    }
    return true;
  } finally {
    await handle.close();
  }
}
