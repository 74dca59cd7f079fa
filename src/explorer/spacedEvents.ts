/**
 * VS Code's extension host holds a tree's refreshes until its change events have been quiet for 200 ms (the
 * first of a burst goes at once): a live run refreshing its row every 50 ms reached the screen only when it
 * stopped logging. Events spaced just wider than that wait each go out at once (on the next timer turn); closer
 * ones are merged and sent when the gap has passed.
 */
export const TREE_EVENT_GAP_MS = 210;

export class SpacedEvents<T> {
  private lastAt = -Infinity;
  /** Merged items waiting for the gap; `all` once a whole-tree refresh is among them. */
  private pending: Set<T> | 'all' | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly send: (items: T[] | undefined) => void,
    private readonly gapMs = TREE_EVENT_GAP_MS,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Items to refresh; `undefined` refreshes everything. */
  push(items: readonly T[] | undefined): void {
    if (items === undefined || this.pending === 'all') this.pending = 'all';
    else {
      this.pending ??= new Set();
      for (const item of items) this.pending.add(item);
    }
    if (this.timer !== undefined) return;
    // Always from a timer, even when the gap has passed: a push from I/O that overran VS Code's 200 ms timer
    // (set when our last event went out) would otherwise reach it before that timer ran, restart its wait, and
    // under load freeze the row again. Node runs due timers in the order they fell due, so that one goes first.
    this.timer = setTimeout(() => this.flush(), Math.max(0, this.lastAt + this.gapMs - this.now()));
  }

  private flush(): void {
    this.timer = undefined;
    const pending = this.pending;
    this.pending = undefined;
    if (pending === undefined) return;
    this.lastAt = this.now();
    this.send(pending === 'all' ? undefined : [...pending]);
  }

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = undefined;
  }
}
