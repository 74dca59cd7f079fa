/**
 * Rebuilds after a store change, at once when rebuilding is cheap; with many runs, at most one rebuild per
 * four rebuild-durations, so a chatty live run cannot keep the extension host busy.
 */
export class RebuildScheduler {
  private lastMs = 0;
  private lastAt = 0;
  private pending: { changed: Set<string>; timer: NodeJS.Timeout } | undefined;

  /** `rebuild` gets the runs that changed, so it can refresh just their rows. */
  constructor(private readonly rebuild: (changed: readonly string[]) => void) {}

  /** Records how long a rebuild took: that sets how long the next one waits. */
  took(ms: number): void {
    this.lastMs = ms;
    this.lastAt = performance.now();
  }

  soon(changed: readonly string[]): void {
    if (this.pending) {
      for (const id of changed) this.pending.changed.add(id);
      return;
    }
    const wait = Math.max(0, this.lastAt + this.lastMs * 4 - performance.now());
    if (wait < 1) {
      this.rebuild(changed);
      return;
    }
    const pending = { changed: new Set(changed), timer: setTimeout(() => {
      this.pending = undefined;
      this.rebuild([...pending.changed]);
    }, wait) };
    this.pending = pending;
  }

  dispose(): void {
    if (this.pending) clearTimeout(this.pending.timer);
    this.pending = undefined;
  }
}
