// Live appends: remembers the last step sent per (run, key), so a panel asks the store only for newer points
// and never sends a point twice, even when keys are logged at different rates.

import type { SeriesData } from '../protocol/common';

const id = (runId: string, key: string): string => `${runId}\u0000${key}`;

export class LiveCursor {
  private readonly last = new Map<string, number>();
  /** Points appended since the last full send; the panel resends downsampled data when this grows too big. */
  appended = 0;

  /** Starts over from a full send. */
  reset(series: readonly SeriesData[]): void {
    this.last.clear();
    this.appended = 0;
    for (const s of series) this.last.set(id(s.runId, s.key), s.steps.length ? s.steps[s.steps.length - 1]! : -1);
  }

  /** The step to ask the store for points after: the oldest last step over these series (-1: from the start). */
  afterStep(runId: string, keys: readonly string[]): number {
    let min = Infinity;
    for (const k of keys) min = Math.min(min, this.last.get(id(runId, k)) ?? -1);
    return Number.isFinite(min) ? min : -1;
  }

  /**
   * Store queries that fetch only new points: keys grouped by the last step sent, since keys advance at their own
   * pace (system metrics count their own records, validation runs every few hundred steps).
   */
  requests(runId: string, keys: readonly string[]): Array<{ afterStep: number; keys: string[] }> {
    const groups = new Map<number, string[]>();
    for (const k of keys) {
      const after = this.last.get(id(runId, k)) ?? -1;
      groups.set(after, [...(groups.get(after) ?? []), k]);
    }
    return [...groups].map(([afterStep, ks]) => ({ afterStep, keys: ks }));
  }

  /** Keeps only points past what was sent for each series, records them as sent, drops empty series. */
  advance<S extends SeriesData>(series: readonly S[]): S[] {
    const out: S[] = [];
    for (const s of series) {
      const key = id(s.runId, s.key);
      const last = this.last.get(key) ?? -1;
      let from = 0;
      while (from < s.steps.length && s.steps[from]! <= last) from++;
      if (from === s.steps.length) continue;
      const kept = from === 0 ? s : { ...s, steps: s.steps.slice(from), times: s.times.slice(from), values: s.values.slice(from) };
      this.last.set(key, kept.steps[kept.steps.length - 1]!);
      this.appended += kept.steps.length;
      out.push(kept);
    }
    return out;
  }
}
