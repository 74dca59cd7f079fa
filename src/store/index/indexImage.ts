// Loading and saving the persisted index file: sealed, read with room to grow, replaced atomically.
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { errorText } from '../ingest/quietFs';
import { unseal, writeSealed } from './sealedFile';
import { SLACK_BYTES } from './sqlImage';

/**
 * Reads the persisted index into a buffer with room to grow (about an eighth more), so sql.js can use it
 * without another copy of the whole file.
 */
async function readWithRoom(path: string): Promise<{ room: Uint8Array; size: number }> {
  const handle = await open(path, 'r');
  try {
    const size = (await handle.stat()).size;
    // Unzeroed: the file fills the start; only the room after it is cleared (SQLite must find zeros there).
    // A Buffer, so sql.js adopts it as the database file without copying (see openImage).
    const room = Buffer.allocUnsafeSlow(size + Math.floor(size / 8) + SLACK_BYTES);
    let at = 0;
    while (at < size) {
      const { bytesRead } = await handle.read(room, at, size - at, at);
      if (bytesRead === 0) break;
      at += bytesRead;
    }
    room.fill(0, at);
    return { room, size: at };
  } finally {
    await handle.close();
  }
}

/**
 * The persisted index's bytes and, when the file has one beside the image, the run snapshot's text; or why it
 * cannot be used; neither when there is none yet.
 */
export async function loadIndexImage(dbPath: string | undefined): Promise<{ bytes?: Uint8Array; snapshot?: string; damaged?: string }> {
  if (dbPath === undefined) return {};
  try {
    const { room, size } = await readWithRoom(dbPath);
    const sealed = unseal(room, size);
    if ('problem' in sealed) return { damaged: sealed.problem };
    return { bytes: room, snapshot: sealed.snapshot };
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
