/**
 * What the next index pass must cover. File events name runs, and a pass over just those runs is far cheaper
 * than a full one; a deletion, a poll, a refresh or an event outside any run needs the full pass.
 */
export class PendingWork {
  private readonly runs = new Set<string>();
  private full = false;

  run(id: string): void {
    this.runs.add(id);
  }

  everything(): void {
    this.full = true;
  }

  /** Takes what is pending: `'all'` for a full pass, the run ids otherwise, undefined when nothing is. */
  take(): 'all' | string[] | undefined {
    const full = this.full;
    const ids = [...this.runs];
    this.full = false;
    this.runs.clear();
    if (full) return 'all';
    return ids.length > 0 ? ids : undefined;
  }
}
