// The persisted index is the sqlite image, then the run snapshot (indexSnapshot.ts), then a trailer: a magic tag,
// the CRC-32 of everything before it and the two lengths. SQLite itself would open a file damaged in the middle
// and serve wrong points from it (blob contents are not checked by anything); the checksum turns any damage into
// a clean rebuild from the logs. Files of the first format (TRKSIDX1: image and a 24-byte trailer, the snapshot
// inside the image) are still read.
import { open } from 'node:fs/promises';
import * as zlib from 'node:zlib';

const MAGIC_V1 = 'TRKSIDX1';
const MAGIC = 'TRKSIDX2';
export const TRAILER_BYTES = 24;
export const TRAILER_V2_BYTES = 32;

const crc32 = (zlib as unknown as { crc32(data: Uint8Array, value?: number): number }).crc32;

/** The first format's trailer: kept for the tests that write such files. */
export function trailerFor(image: Uint8Array): Buffer {
  const t = Buffer.alloc(TRAILER_BYTES);
  t.write(MAGIC_V1, 0, 'latin1');
  t.writeUInt32LE(crc32(image) >>> 0, 8);
  t.writeDoubleLE(image.length, 16);
  return t;
}

function trailerV2(image: Uint8Array, snapshot: Uint8Array): Buffer {
  const t = Buffer.alloc(TRAILER_V2_BYTES);
  t.write(MAGIC, 0, 'latin1');
  t.writeUInt32LE(crc32(snapshot, crc32(image)) >>> 0, 8);
  t.writeDoubleLE(image.length, 16);
  t.writeDoubleLE(snapshot.length, 24);
  return t;
}

/** Writes image + snapshot + trailer to `path` (the caller renames it into place). */
export async function writeSealed(path: string, image: Uint8Array, snapshot: Uint8Array): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.writev([image, snapshot, trailerV2(image, snapshot)]);
  } finally {
    await handle.close();
  }
}

/**
 * Where a sealed file's parts lie, read from its trailer alone (`tail`: the file's last 32 bytes, or all of a
 * shorter one): the image's length, the snapshot's (none in the first format), how many bytes from the start the
 * checksum covers and its value; or why the file cannot be trusted.
 */
export type Layout = { length: number; snapshotLength: number; checked: number; crc: number; hasSnapshot: boolean } | { problem: string };

export function layoutOf(tail: Buffer, size: number): Layout {
  if (size < TRAILER_BYTES || tail.length < TRAILER_BYTES) return { problem: 'the index file is too short' };
  if (tail.length >= TRAILER_V2_BYTES) {
    const t = tail.subarray(tail.length - TRAILER_V2_BYTES);
    if (t.toString('latin1', 0, 8) === MAGIC) {
      const at = size - TRAILER_V2_BYTES;
      const length = t.readDoubleLE(16);
      const snapshotLength = t.readDoubleLE(24);
      if (!Number.isSafeInteger(length) || !Number.isSafeInteger(snapshotLength) || length < 0 || snapshotLength < 0 || length + snapshotLength !== at) {
        return { problem: 'the index file has the wrong length' };
      }
      return { length, snapshotLength, checked: at, crc: t.readUInt32LE(8), hasSnapshot: true };
    }
  }
  const t = tail.subarray(tail.length - TRAILER_BYTES);
  if (t.toString('latin1', 0, 8) !== MAGIC_V1) return { problem: 'the index file has no checksum trailer' };
  const length = t.readDoubleLE(16);
  if (length !== size - TRAILER_BYTES) return { problem: 'the index file has the wrong length' };
  return { length, snapshotLength: 0, checked: length, crc: t.readUInt32LE(8), hasSnapshot: false };
}

/** The CRC-32 of `bytes` continued from `crc` (0 to start), as the trailer keeps it. */
export function crcOf(bytes: Uint8Array, crc = 0): number {
  return crc32(bytes, crc) >>> 0;
}

/** What a sealed file holds: the image's length and, in the second format, the snapshot's text. */
export type Unsealed = { length: number; snapshot?: string } | { problem: string };

/**
 * Checks the trailer at the end of `bytes[0, size)`, takes the snapshot's text out, and erases everything after
 * the image (SQLite must see zeros after it). Returns the image length, or why the file cannot be trusted.
 */
export function unseal(bytes: Uint8Array, size: number): Unsealed {
  if (size < TRAILER_BYTES) return { problem: 'the index file is too short' };
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, size);
  if (size >= TRAILER_V2_BYTES && buf.toString('latin1', size - TRAILER_V2_BYTES, size - TRAILER_V2_BYTES + 8) === MAGIC) {
    const at = size - TRAILER_V2_BYTES;
    const length = buf.readDoubleLE(at + 16);
    const snapshotLength = buf.readDoubleLE(at + 24);
    if (!Number.isSafeInteger(length) || !Number.isSafeInteger(snapshotLength) || length < 0 || snapshotLength < 0 || length + snapshotLength !== at) {
      return { problem: 'the index file has the wrong length' };
    }
    if ((crc32(buf.subarray(0, at)) >>> 0) !== buf.readUInt32LE(at + 8)) return { problem: 'the index file fails its checksum' };
    const snapshot = buf.toString('utf8', length, at);
    buf.fill(0, length, size);
    return { length, snapshot };
  }
  const t = size - TRAILER_BYTES;
  if (buf.toString('latin1', t, t + 8) !== MAGIC_V1) return { problem: 'the index file has no checksum trailer' };
  const length = buf.readDoubleLE(t + 16);
  if (length !== t) return { problem: 'the index file has the wrong length' };
  if ((crc32(buf.subarray(0, length)) >>> 0) !== buf.readUInt32LE(t + 8)) return { problem: 'the index file fails its checksum' };
  buf.fill(0, t, size);
  return { length };
}
