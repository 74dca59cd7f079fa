/**
 * VS Code's extension host holds a tree's refreshes until its change events have been quiet for 200 ms (the
 * first of a burst goes at once): a live run refreshing its row every 50 ms reached the screen only when it
 * stopped logging. Events spaced just wider than that wait each go out at once; closer ones are merged and sent
 * when the gap has passed.
 */
export const TREE_EVENT_GAP_MS = 210;

export class SpacedEvents<T> {
  /** Merged items waiting for the gap; `all` once a whole-tree refresh is among them. */
  private pending: Set<T> | 'all' | undefined;
  /** Set while the gap after the last event runs. */
  private gap: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly send: (items: T[] | undefined) => void,
    private readonly gapMs = TREE_EVENT_GAP_MS,
  ) {}

  /** Items to refresh; `undefined` refreshes everything. */
  push(items: readonly T[] | undefined): void {
    if (items === undefined || this.pending === 'all') this.pending = 'all';
    else {
      this.pending ??= new Set();
      for (const item of items) this.pending.add(item);
    }
    if (this.gap === undefined) this.flush();
  }

  private flush(): void {
    const pending = this.pending;
    this.pending = undefined;
    if (pending === undefined) return;
    this.send(pending === 'all' ? undefined : [...pending]);
    // The gap's timer starts in the same tick as VS Code's own 200 ms one (started by the event just sent), on the
    // same loop clock, so Node always runs theirs first, however late both are. Timed from anything else (a later
    // push, performance.now()), ours could fall due first under load: the next event then restarted their wait,
    // and the row froze again.
    this.gap = setTimeout(() => {
      this.gap = undefined;
      this.flush();
    }, this.gapMs);
  }

  dispose(): void {
    if (this.gap !== undefined) clearTimeout(this.gap);
    this.gap = undefined;
    this.pending = undefined;
  }
}
