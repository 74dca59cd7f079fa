// Reads the new complete lines of a log, from a byte offset, in bounded chunks. An incomplete last line is left
// for the next pass; a line longer than the cap is not buffered whole: it is listed in `tooLong` once complete,
// for the reader to report and skip.
import { FINGERPRINT_BYTES, printOf } from './fingerprint';

export const READ_CHUNK = 4 << 20;
export const MAX_LINE_BYTES = 16 << 20;

export interface LineBatch {
  /**
   * Complete lines, each ending in `\n`, in `bytes[start, end)`: undecoded, so the common metrics line can be read
   * without a string (metricsLine.ts). The buffer is reused once the generator resumes. A line listed in
   * `tooLong` may still be here (one of exactly the cap's length fits): the reader skips it.
   */
  bytes: Buffer;
  start: number;
  end: number;
  /** 1-based number of the first line in `bytes[start, end)`. */
  firstLine: number;
  /** Offset and line count just after this batch: a safe point to commit. */
  endOffset: number;
  endLines: number;
  /** Lines at or over the cap, by 1-based number: to report and skip. */
  tooLong: number[];
}

/**
 * A read buffer that one reader at a time passes from log to log (a parse worker reads one log after another):
 * a fresh buffer per log came back as page faults inside every read.
 */
export interface ReadScratch {
  buf: Buffer;
}

/** What reading a log needs of a file: a FileHandle, or on a parse worker a descriptor read synchronously. */
export interface ReadableFile {
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
}

/** A file's first bytes (up to FINGERPRINT_BYTES): what its print is taken of, and compared with. */
export async function headOf(handle: ReadableFile): Promise<{ head: Buffer; got: number }> {
  const head = Buffer.alloc(FINGERPRINT_BYTES);
  const { bytesRead } = await handle.read(head, 0, FINGERPRINT_BYTES, 0);
  return { head, got: bytesRead };
}

/** The print of a file's first bytes (fingerprint.ts). */
export async function fingerprintOf(handle: ReadableFile): Promise<string> {
  const { head, got } = await headOf(handle);
  return printOf(head, got);
}

/**
 * Yields batches of complete lines between `offset` and `end`. Reading stops at `end` (the size seen by stat)
 * so a writer appending meanwhile is picked up by the next pass, not half-read by this one.
 */
export async function* readLines(handle: ReadableFile, offset: number, lines: number, end: number, maxLine = MAX_LINE_BYTES, scratch?: ReadScratch): AsyncGenerator<LineBatch> {
  let buf: Buffer;
  if (scratch === undefined) buf = Buffer.allocUnsafe(Math.min(READ_CHUNK, Math.max(end - offset, 1)));
  else {
    if (scratch.buf.length < READ_CHUNK) scratch.buf = Buffer.allocUnsafe(READ_CHUNK);
    buf = scratch.buf;
  }
  let pos = offset; // file position of buf[0]
  let fill = 0;
  let skipping = false; // inside a line longer than maxLine
  while (pos + fill < end) {
    if (fill === buf.length) {
      const bigger = Buffer.allocUnsafe(Math.min(buf.length * 2, maxLine + 1));
      buf.copy(bigger, 0, 0, fill);
      buf = bigger;
    }
    const want = Math.min(buf.length - fill, end - (pos + fill));
    const { bytesRead } = await handle.read(buf, fill, want, pos + fill);
    if (bytesRead === 0) break; // the file shrank under us; the next pass notices
    const scanFrom = fill;
    fill += bytesRead;
    const lastNl = buf.lastIndexOf(10, fill - 1);
    if (lastNl < scanFrom) {
      // No line ends in what we just read.
      if (skipping || fill > maxLine) {
        // Drop the bytes of the overlong line but not the fact that it started at `pos`.
        skipping = true;
        pos += fill;
        fill = 0;
      }
      continue;
    }
    const tooLong: number[] = [];
    let start = 0;
    let lineNo = lines;
    if (skipping) {
      lineNo++;
      tooLong.push(lineNo);
      skipping = false;
      start = buf.indexOf(10, 0) + 1;
    }
    // Only a buffer grown past the cap can hold a complete overlong line.
    const mayHoldOverlong = buf.length > maxLine;
    let count = 0;
    for (let s = start, nl = buf.indexOf(10, s); nl !== -1 && nl <= lastNl; s = nl + 1, nl = buf.indexOf(10, s)) {
      count++;
      if (mayHoldOverlong && nl - s >= maxLine) tooLong.push(lineNo + count);
    }
    const batch: LineBatch = { bytes: buf, start, end: lastNl + 1, firstLine: lineNo + 1, endOffset: pos + lastNl + 1, endLines: lineNo + count, tooLong };
    yield batch;
    buf.copy(buf, 0, lastNl + 1, fill);
    fill -= lastNl + 1;
    pos += lastNl + 1;
    lines = batch.endLines;
  }
}
