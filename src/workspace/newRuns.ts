import type { FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { tryWatch } from './tryWatch';

/** A new folder is watched itself this long: its log is created just after it, then the run is followed live. */
const FRESH_MS = 10_000;
/** Enough for a sweep starting its trials at once; beyond this the workspace watcher and polling still apply. */
const MAX_FRESH = 64;

/**
 * Direct OS watches on each run root's `runs/` folder. VS Code's workspace watcher told us of a new run's folder
 * seconds after a training script created it (its events are batched and, on Linux, come from a recursive watch
 * of the whole workspace); a run just started should get its row at once. A folder that appears is watched itself
 * for a few seconds, because its log is created after it and a non-recursive watch does not see into it. A root
 * without `runs/` yet (a new workspace before its first run) is watched for that folder to appear.
 * `onRun(root, undefined)` means: look at the whole root (its `runs/` folder appeared, or an event named nothing).
 */
export class NewRunWatcher implements vscode.Disposable {
  private readonly roots = new Map<string, FSWatcher>();
  private readonly fresh = new Map<string, { watcher: FSWatcher; timer: ReturnType<typeof setTimeout> }>();

  constructor(
    private readonly onRun: (root: string, id: string | undefined) => void,
    private readonly freshMs = FRESH_MS,
  ) {}

  /** Watches exactly these roots. */
  watch(roots: readonly string[]): void {
    this.dispose();
    for (const root of new Set(roots)) this.watchRoot(root);
  }

  private watchRoot(root: string): void {
    const runs = path.join(root, 'runs');
    const runsWatch = tryWatch(runs, (name) => this.seen(root, runs, name), () => this.forget(root));
    if (runsWatch) {
      this.roots.set(root, runsWatch);
      return;
    }
    const rootWatch = tryWatch(
      root,
      (name) => {
        if (name !== 'runs' || this.roots.get(root) !== rootWatch) return;
        rootWatch?.close();
        this.roots.delete(root);
        this.watchRoot(root);
        // Runs may already be inside by the time the watch on `runs/` is in place.
        this.onRun(root, undefined);
      },
      () => this.forget(root),
    );
    if (rootWatch) this.roots.set(root, rootWatch);
  }

  private seen(root: string, runs: string, name: string | undefined): void {
    if (!name) {
      this.onRun(root, undefined);
      return;
    }
    const dir = path.join(runs, name);
    stat(dir).then(
      (s) => {
        if (!this.roots.has(root)) return;
        this.onRun(root, name);
        if (s.isDirectory()) this.watchFresh(root, dir, name);
      },
      // Gone already (a removed run, a temporary entry): the whole root is looked at, which notices removals.
      () => this.roots.has(root) && this.onRun(root, undefined),
    );
  }

  private watchFresh(root: string, dir: string, id: string): void {
    if (this.fresh.has(dir) || this.fresh.size >= MAX_FRESH) return;
    const watcher = tryWatch(dir, () => this.onRun(root, id), () => this.unwatchFresh(dir));
    if (!watcher) return;
    const timer = setTimeout(() => this.unwatchFresh(dir), this.freshMs);
    this.fresh.set(dir, { watcher, timer });
  }

  private unwatchFresh(dir: string): void {
    const f = this.fresh.get(dir);
    if (!f) return;
    clearTimeout(f.timer);
    f.watcher.close();
    this.fresh.delete(dir);
  }

  private forget(root: string): void {
    this.roots.get(root)?.close();
    this.roots.delete(root);
  }

  /** Roots watched directly (for tests and the log). */
  get size(): number {
    return this.roots.size;
  }

  dispose(): void {
    for (const w of this.roots.values()) w.close();
    this.roots.clear();
    for (const dir of [...this.fresh.keys()]) this.unwatchFresh(dir);
  }
}
