// The in-memory database file sql.js works on: created or copied into a buffer with room to grow.
import type { Database, SqlJsStatic } from 'sql.js';
import { SCHEMA, SCHEMA_VERSION } from './schema';

/** Spare room reserved beyond what the index needs now. */
export const SLACK_BYTES = 2 << 20;

/**
 * sql.js keeps the database file in an in-memory file that grows by 12.5% at a time, copying itself each time:
 * about nine copies of the whole index while a large one is built. Opening the image from a buffer that is
 * already large enough avoids that; SQLite reads the real size from the file header and ignores the zeros after
 * it, and export() writes only the real pages.
 */
export function openImage(SQL: SqlJsStatic, image: Uint8Array | undefined, capacity: number, roomy = false): Database {
  // An image read into a buffer that already has the room is used as it is (saves copying a large index).
  if (roomy && image !== undefined && image.length >= capacity) return new SQL.Database(image);
  if (image === undefined) {
    const empty = new SQL.Database();
    empty.exec(SCHEMA);
    empty.run("INSERT OR REPLACE INTO meta (key, value) VALUES ('schema', ?)", [String(SCHEMA_VERSION)]);
    image = empty.export();
    empty.close();
  }
  // A Buffer, not a plain Uint8Array: sql.js's file system takes `data.slice()`, which for a Buffer is a view,
  // so the room becomes the database file without another copy.
  const room = Buffer.alloc(Math.max(capacity, image.length));
  room.set(image);
  return new SQL.Database(room);
}
