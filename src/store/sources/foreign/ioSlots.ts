// File operations on other tools' runs go through a fixed number of slots. A cold pass over an MLflow store
// lists, stats and reads tens of thousands of small files: asynchronously (the store runs in the extension host,
// whose thread must not block on disk) and many at once (one at a time, each waited for a thread-pool round trip,
// which was most of a cold index), but not all at once, so the thread pool's queue never holds thousands of
// requests ahead of the rest of the host's I/O.

/** Operations in flight at once. */
export const IO_SLOTS = 64;

let busy = 0;
const waiting: Array<() => void> = [];

/** Runs `op` once a slot is free, and frees it when `op` settles. */
export async function inSlot<T>(op: () => Promise<T>): Promise<T> {
  // A freed slot is handed straight to the next waiter, so no newcomer can take it between the two.
  if (busy < IO_SLOTS) busy++;
  else await new Promise<void>((resolve) => waiting.push(resolve));
  try {
    return await op();
  } finally {
    const next = waiting.shift();
    if (next !== undefined) next();
    else busy--;
  }
}
