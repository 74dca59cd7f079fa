// The persisted index is the sqlite image followed by a 24-byte trailer: a magic tag, the CRC-32 of the image
// and its length. SQLite itself would open a file damaged in the middle and serve wrong points from it (blob
// contents are not checked by anything); the checksum turns any damage into a clean rebuild from the logs.
import { open } from 'node:fs/promises';
import * as zlib from 'node:zlib';

const MAGIC = 'TRKSIDX1';
export const TRAILER_BYTES = 24;

const crc32 = (zlib as unknown as { crc32(data: Uint8Array): number }).crc32;

export function trailerFor(image: Uint8Array): Buffer {
  const t = Buffer.alloc(TRAILER_BYTES);
  t.write(MAGIC, 0, 'latin1');
  t.writeUInt32LE(crc32(image) >>> 0, 8);
  t.writeDoubleLE(image.length, 16);
  return t;
}

/** Writes image + trailer to `path` (the caller renames it into place). */
export async function writeSealed(path: string, image: Uint8Array): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.writev([image, trailerFor(image)]);
  } finally {
    await handle.close();
  }
}

/**
 * Checks the trailer at the end of `bytes[0, size)` and erases it (SQLite must see zeros after the image).
 * Returns the image length, or why the file cannot be trusted.
 */
export function unseal(bytes: Uint8Array, size: number): { length: number } | { problem: string } {
  if (size < TRAILER_BYTES) return { problem: 'the index file is too short' };
  const t = Buffer.from(bytes.buffer, bytes.byteOffset + size - TRAILER_BYTES, TRAILER_BYTES);
  if (t.toString('latin1', 0, 8) !== MAGIC) return { problem: 'the index file has no checksum trailer' };
  const length = t.readDoubleLE(16);
  if (length !== size - TRAILER_BYTES) return { problem: 'the index file has the wrong length' };
  const expected = t.readUInt32LE(8);
  if ((crc32(bytes.subarray(0, length)) >>> 0) !== expected) return { problem: 'the index file fails its checksum' };
  t.fill(0);
  return { length };
}
