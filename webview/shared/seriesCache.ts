// The series a panel has received, by key then run, with live appends concatenated in place.
import type { SeriesData } from '../../src/protocol/common';

export interface StoredSeries {
  steps: Float64Array;
  times: Float64Array;
  values: Float64Array;
  total: number;
}

function concat(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

export class SeriesCache {
  private readonly byKey = new Map<string, Map<string, StoredSeries>>();

  replaceAll(series: SeriesData[]): void {
    this.byKey.clear();
    this.replace(series);
  }

  /** Replaces the named series (a zoom answer); others stay. Returns the keys touched. */
  replace(series: SeriesData[]): Set<string> {
    const keys = new Set<string>();
    for (const s of series) {
      this.forKey(s.key).set(s.runId, { steps: s.steps, times: s.times, values: s.values, total: s.total });
      keys.add(s.key);
    }
    return keys;
  }

  /** Appends live points past the last step held; returns the keys that grew. */
  append(series: SeriesData[]): Set<string> {
    const keys = new Set<string>();
    for (const s of series) {
      const old = this.forKey(s.key).get(s.runId);
      if (!old) {
        this.forKey(s.key).set(s.runId, { steps: s.steps, times: s.times, values: s.values, total: s.total });
        keys.add(s.key);
        continue;
      }
      const last = old.steps.length ? old.steps[old.steps.length - 1]! : -Infinity;
      let from = 0;
      while (from < s.steps.length && s.steps[from]! <= last) from++;
      if (from === s.steps.length) continue;
      old.steps = concat(old.steps, s.steps.subarray(from));
      old.times = concat(old.times, s.times.subarray(from));
      old.values = concat(old.values, s.values.subarray(from));
      old.total += s.steps.length - from;
      keys.add(s.key);
    }
    return keys;
  }

  get(key: string): ReadonlyMap<string, StoredSeries> {
    return this.byKey.get(key) ?? new Map();
  }

  private forKey(key: string): Map<string, StoredSeries> {
    let m = this.byKey.get(key);
    if (!m) this.byKey.set(key, (m = new Map()));
    return m;
  }
}
