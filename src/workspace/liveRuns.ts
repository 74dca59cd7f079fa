import type { FSWatcher } from 'node:fs';
import { tryWatch } from './tryWatch';
import type * as vscode from 'vscode';

/** Enough for any sweep on one machine; beyond this the workspace watcher and polling still apply. */
const MAX_WATCHED = 64;

/**
 * Direct OS watches (inotify, FSEvents, ReadDirectoryChangesW) on the folders of running runs. VS Code's
 * workspace watcher batches and delays events; for the few runs that are live, a line written by the training
 * process should reach the tree at once.
 */
export class LiveRunWatcher implements vscode.Disposable {
  private readonly watchers = new Map<string, FSWatcher>();

  constructor(private readonly onChange: (dir: string) => void) {}

  /** Watches exactly these run folders (the first MAX_WATCHED of them). */
  track(dirs: readonly string[]): void {
    const want = new Set(dirs.slice(0, MAX_WATCHED));
    for (const [dir, watcher] of this.watchers) {
      if (!want.has(dir)) {
        watcher.close();
        this.watchers.delete(dir);
      }
    }
    for (const dir of want) {
      if (this.watchers.has(dir)) continue;
      // A deleted run folder, or a file system without watch support: the other mechanisms take over.
      const watcher = tryWatch(
        dir,
        () => this.onChange(dir),
        () => {
          watcher?.close();
          this.watchers.delete(dir);
        },
      );
      if (watcher) this.watchers.set(dir, watcher);
    }
  }

  get size(): number {
    return this.watchers.size;
  }

  dispose(): void {
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
  }
}
