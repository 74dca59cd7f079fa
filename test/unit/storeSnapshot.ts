// Everything a store can say about its runs, as plain data, so two stores (an incremental one and a fresh one)
// can be compared with one deepStrictEqual. NaN equals NaN there, which is what we want for metric values.
import type { RunStore, RunSummary } from '../../src/store';

export interface SeriesSnapshot {
  runId: string;
  key: string;
  steps: number[];
  times: number[];
  values: number[];
  total: number;
}

export interface StoreSnapshot {
  runs: RunSummary[];
  keys: string[];
  series: SeriesSnapshot[];
  /** Points over every series, by counting what series() returned. */
  points: number;
}

export async function snapshot(store: RunStore): Promise<StoreSnapshot> {
  const runs = store.listRuns().sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const keys = store.metricKeys();
  const series: SeriesSnapshot[] = [];
  let points = 0;
  if (runs.length && keys.length) {
    // Asking for more points than the longest series holds must return every point, undownsampled.
    const longest = Math.max(1, ...runs.flatMap((r) => Object.values(r.metrics).map((m) => m.count)));
    for (const s of await store.series({ runIds: runs.map((r) => r.id), keys, points: 2 * longest + 10 })) {
      if (s.values.length !== s.total) throw new Error(`series(${s.runId}, ${s.key}) returned ${s.values.length} of ${s.total} points though asked for all`);
      series.push({ runId: s.runId, key: s.key, steps: Array.from(s.steps), times: Array.from(s.times), values: Array.from(s.values), total: s.total });
      points += s.values.length;
    }
  }
  series.sort((a, b) => (a.runId + '\0' + a.key < b.runId + '\0' + b.key ? -1 : 1));
  return { runs, keys, series, points };
}

/** Point count per run, from the metric summaries (what the run explorer shows). */
export function countsByRun(runs: RunSummary[], filter: (key: string) => boolean = () => true): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of runs) {
    out[r.id] = Object.entries(r.metrics).filter(([k]) => filter(k)).reduce((a, [, m]) => a + m.count, 0);
  }
  return out;
}
