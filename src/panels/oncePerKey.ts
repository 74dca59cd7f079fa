// Opening a panel awaits the store first; a second request for the same key in that window must join the
// first instead of opening a second panel (a double-click on "Open Run").

export class OncePerKey {
  private readonly pending = new Map<string, Promise<void>>();

  /** Runs `fn` for `key` unless a run for it is still in flight, in which case that one is returned. */
  run(key: string, fn: () => Promise<void>): Promise<void> {
    const inFlight = this.pending.get(key);
    if (inFlight) return inFlight;
    // Recorded before anything is awaited, so a call arriving meanwhile finds it.
    const started = fn().finally(() => this.pending.delete(key));
    this.pending.set(key, started);
    return started;
  }
}
