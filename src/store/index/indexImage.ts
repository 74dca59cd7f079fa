// Loading and saving the persisted index file: sealed, checked, read with room to grow, replaced atomically.
import { mkdir, open, rename, unlink, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { errorText } from '../ingest/quietFs';
import { crcOf, layoutOf, TRAILER_V2_BYTES, writeSealed } from './sealedFile';
import { SLACK_BYTES } from './sqlImage';

/** Reads `length` bytes at `position` into `into` from `offset`; returns how many the file had. */
async function readFully(handle: FileHandle, into: Uint8Array, offset: number, length: number, position: number): Promise<number> {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(into, offset + done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done;
}

/** Bytes read at a time for the checksum: one buffer, reused. */
const CHECK_CHUNK = 1 << 20;

/**
 * The checksum of the file's first `layout.checked` bytes and the snapshot's text, read through one small buffer
 * used again and again. Not computed over the image's own buffer: the first touch of each page of freshly read
 * memory is what a check of a 9 MB image cost (a page fault each, where the system copies without one), and
 * nothing else touches those pages until the database is opened, which a warm start with nothing changed never
 * does.
 */
async function scan(handle: FileHandle, layout: { length: number; checked: number }): Promise<{ crc: number; snapshot: string; short: boolean }> {
  const chunk = Buffer.allocUnsafeSlow(Math.min(CHECK_CHUNK, Math.max(1, layout.checked)));
  const decoder = new StringDecoder('utf8');
  const parts: string[] = [];
  let crc = 0;
  for (let at = 0; at < layout.checked; ) {
    const want = Math.min(chunk.length, layout.checked - at);
    const got = await readFully(handle, chunk, 0, want, at);
    if (got < want) return { crc, snapshot: '', short: true };
    crc = crcOf(chunk.subarray(0, got), crc);
    if (at + got > layout.length) parts.push(decoder.write(chunk.subarray(Math.max(0, layout.length - at), got)));
    at += got;
  }
  parts.push(decoder.end());
  return { crc, snapshot: parts.join(''), short: false };
}

/**
 * The persisted index's bytes and, when the file has one beside the image, the run snapshot's text; or why it
 * cannot be used; neither when there is none yet. The image is read into a buffer with room to grow (about an
 * eighth more, zeros the system maps only when written), so sql.js can use it without another copy; it is
 * returned only once the whole file has passed its checksum.
 */
export async function loadIndexImage(dbPath: string | undefined): Promise<{ bytes?: Uint8Array; snapshot?: string; damaged?: string }> {
  if (dbPath === undefined) return {};
  try {
    const handle = await open(dbPath, 'r');
    try {
      const before = await handle.stat();
      const size = before.size;
      const tail = Buffer.alloc(Math.min(size, TRAILER_V2_BYTES));
      if ((await readFully(handle, tail, 0, tail.length, size - tail.length)) < tail.length) return { damaged: 'the index file is too short' };
      const layout = layoutOf(tail, size);
      if ('problem' in layout) return { damaged: layout.problem };
      // A Buffer, so sql.js adopts it as the database file without copying (see openImage); zeroed, as SQLite must
      // find zeros after the image.
      const room = Buffer.alloc(layout.length + Math.floor(layout.length / 8) + SLACK_BYTES);
      const [got, checked] = await Promise.all([readFully(handle, room, 0, layout.length, 0), scan(handle, layout)]);
      if (got < layout.length || checked.short) return { damaged: 'the index file is too short' };
      if (checked.crc !== layout.crc) return { damaged: 'the index file fails its checksum' };
      // The image and the checksum come from two reads of one file: it must not have changed in place between them
      // (a save replaces the file, which this handle does not see).
      const after = await handle.stat();
      if (after.size !== size || after.mtimeMs !== before.mtimeMs || after.ctimeMs !== before.ctimeMs) return { damaged: 'the index file changed while it was read' };
      return { bytes: room, snapshot: layout.hasSnapshot ? checked.snapshot : undefined };
    } finally {
      await handle.close();
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return { damaged: errorText(err) };
    return {};
  }
}

export async function saveIndexImage(target: string, bytes: Uint8Array, snapshot: Uint8Array): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  const temp = `${target}.${process.pid}.${Date.now()}.tmp`;
  try {
    await writeSealed(temp, bytes, snapshot);
    await rename(temp, target);
  } catch (err) {
    await unlink(temp).catch(() => undefined);
    throw err;
  }
}
