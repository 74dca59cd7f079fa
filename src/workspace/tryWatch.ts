import { watch, type FSWatcher } from 'node:fs';

/**
 * A direct OS watch on one folder, or undefined where the folder is missing or the file system cannot watch.
 * Callers always have a slower mechanism (the workspace watcher, polling) behind it, so failing quietly is right.
 */
export function tryWatch(
  dir: string,
  onEvent: (name: string | undefined) => void,
  onError: () => void,
): FSWatcher | undefined {
  try {
    const watcher = watch(dir, { persistent: false }, (_event, name) => onEvent(name ?? undefined));
    watcher.on('error', onError);
    return watcher;
  } catch {
    return undefined;
  }
}
