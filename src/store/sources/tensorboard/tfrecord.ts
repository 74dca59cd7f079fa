// TFRecord framing, as TensorFlow writes event files: each record is
//   uint64 length (LE) · uint32 masked CRC-32C of those 8 bytes · data · uint32 masked CRC-32C of the data.
// The scanner walks one window of a file in place and hands each verified record's bytes to a sink.
//
// Bad checksums: TensorFlow's own reader stops at the first one, which would lose every later point of a long
// run to one flipped bit. Here a bad data checksum under a good length checksum loses that record only (the
// length was verified, so the next record's start is known); a bad length checksum means the framing is lost,
// and the scanner looks for the next offset where a length checksum verifies and, when the whole record is in
// the window, its data checksum too (a false match needs 32 or 64 bits to agree by chance). Each skip is a
// diagnostic with the byte offset.
import { crc32c, crc32c8 } from '../binary/crc';
import type { ScanResult } from '../binary/tail';

export const HEADER_BYTES = 12;
export const FOOTER_BYTES = 4;
/** Records longer than this are not read (none holding scalars comes near: these hold graphs and images). */
export const MAX_RECORD_BYTES = 64 << 20;

export interface RecordSink {
  /** A verified record: its data is `bytes[start, end)`; `at` is the file offset of its header. */
  record(bytes: Uint8Array, start: number, end: number, at: number): void;
  problem(at: number, reason: string): void;
}

// Bound once: a call through an imported binding is a property read per call under CommonJS (tsx, the tests).
const crc = crc32c;
const crc8 = crc32c8;

function maskedCrc32c(b: Uint8Array, start: number, end: number): number {
  const c = crc(b, start, end, 0);
  return (((c >>> 15) | (c << 17)) + 0xa282ead8) >>> 0;
}

function u32(b: Uint8Array, i: number): number {
  return (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;
}

/** The record length at `i` if its length checksum verifies, else -1. Lengths of 2^53 and more count as bad. */
function verifiedLength(b: Uint8Array, i: number): number {
  const c = crc8(b, i);
  if (u32(b, i + 8) !== ((((c >>> 15) | (c << 17)) + 0xa282ead8) >>> 0)) return -1;
  const hi = u32(b, i + 4);
  if (hi >= 1 << 21) return -1;
  return hi * 2 ** 32 + u32(b, i);
}

/**
 * Scans `bytes`, which holds the file from offset `base`; `fileEnd` is the file's size as this pass saw it.
 * Stops at the first record that does not fit the window.
 */
export function scanRecords(bytes: Uint8Array, base: number, fileEnd: number, sink: RecordSink): ScanResult {
  const end = bytes.length;
  let i = 0;
  while (i < end) {
    if (end - i < HEADER_BYTES) return { next: base + i, need: HEADER_BYTES };
    const length = verifiedLength(bytes, i);
    if (length < 0) {
      const found = resync(bytes, i + 1);
      sink.problem(base + i, found < 0 ? `bad length checksum; no record verifies in the next ${end - i} bytes` : `bad length checksum; skipped ${found - i} bytes to the next record that verifies`);
      if (found < 0) return { next: base + Math.max(i + 1, end - HEADER_BYTES + 1), need: HEADER_BYTES };
      i = found;
      continue;
    }
    const total = HEADER_BYTES + length + FOOTER_BYTES;
    if (length > MAX_RECORD_BYTES) {
      if (base + i + total > fileEnd) {
        sink.problem(base + i, `record says it is ${length} bytes long, more than the rest of the file; reading stops here until the file holds it`);
        return { next: base + i, need: 0 };
      }
      sink.problem(base + i, `record of ${length} bytes (over ${MAX_RECORD_BYTES >> 20} MiB) not read`);
      return { next: base + i + total, need: 0 };
    }
    if (end - i < total) return { next: base + i, need: total };
    const dataEnd = i + HEADER_BYTES + length;
    if (u32(bytes, dataEnd) !== maskedCrc32c(bytes, i + HEADER_BYTES, dataEnd)) sink.problem(base + i, `bad data checksum; record of ${length} bytes skipped`);
    else sink.record(bytes, i + HEADER_BYTES, dataEnd, base + i);
    i += total;
  }
  return { next: base + i, need: 0 };
}

/** The first index from `from` where a record starts whose length (and data, when in the window) verifies. */
function resync(b: Uint8Array, from: number): number {
  for (let j = from; j + HEADER_BYTES <= b.length; j++) {
    const length = verifiedLength(b, j);
    if (length < 0) continue;
    const dataEnd = j + HEADER_BYTES + length;
    if (dataEnd + FOOTER_BYTES > b.length) return j;
    if (u32(b, dataEnd) === maskedCrc32c(b, j + HEADER_BYTES, dataEnd)) return j;
  }
  return -1;
}
