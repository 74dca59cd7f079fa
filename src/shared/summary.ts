// The compare view's metric table: last and best value per key per run, which run is best, and deltas
// against a baseline run. Computed from the store's per-run MetricSummary, so no series is read.
import { goalOf, isBetter, type Goal } from './goals';

/** What the table reads of a run's metric (the store's MetricSummary has these and more). */
export interface MetricStats {
  last: number;
  lastStep: number;
  min: number;
  max: number;
}

type RunLike = { id: string; parent?: string; metrics: Readonly<Record<string, MetricStats>> };

export interface MetricCell {
  last: number;
  lastStep: number;
  best: number;
  /** Delta of `best` against the baseline run, when both exist. */
  delta?: number;
}

export interface MetricSummaryRow {
  key: string;
  /** `min` when lower is better; `none` for system metrics, which have no best. */
  goal: 'min' | 'max' | 'none';
  /** One cell per run, in `runs` order; null when the run lacks the key. */
  cells: Array<MetricCell | null>;
  /** Index of the run with the best value, -1 when none is finite. */
  bestIndex: number;
}

function bestOf(m: MetricStats, goal: Goal): number {
  return goal === 'min' ? m.min : m.max;
}

/** Metric keys in groups a reader expects: train/, val/, test/, other prefixes, bare keys, system/ last. */
export function orderKeys(keys: Iterable<string>): string[] {
  const rank = (k: string): number => {
    const prefix = k.includes('/') ? k.slice(0, k.indexOf('/')) : '';
    if (prefix === 'train') return 0;
    if (prefix === 'val' || prefix === 'valid' || prefix === 'validation' || prefix === 'eval') return 1;
    if (prefix === 'test') return 2;
    if (prefix === 'system') return 5;
    return prefix ? 3 : 4;
  };
  return [...new Set(keys)].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

/** The group a key's chart goes in: its prefix before the first `/`, or `metrics`. */
export function groupOf(key: string): string {
  const i = key.indexOf('/');
  return i > 0 ? key.slice(0, i) : 'metrics';
}

/** The key that decides "the best run": the first validation-like metric, else the first non-system one. */
export function primaryKey(keys: string[]): string | undefined {
  const ordered = orderKeys(keys).filter((k) => groupOf(k) !== 'system');
  return ordered.find((k) => /^(val|valid|validation|eval)\//.test(k)) ?? ordered.find((k) => groupOf(k) === 'test') ?? ordered[0];
}

/**
 * The default baseline: a run whose rerun is also compared (the parent), else the run with the best value of the
 * primary key, else the first run.
 */
export function defaultBaseline(runs: RunLike[]): string | undefined {
  const ids = new Set(runs.map((r) => r.id));
  const parent = runs.find((r) => r.parent !== undefined && ids.has(r.parent))?.parent;
  if (parent) return parent;
  const key = primaryKey(runs.flatMap((r) => Object.keys(r.metrics)));
  if (key) {
    const goal = goalOf(key);
    let best: RunLike | undefined;
    for (const r of runs) {
      const m = r.metrics[key];
      if (m && (!best || isBetter(bestOf(m, goal), bestOf(best.metrics[key]!, goal), goal))) best = r;
    }
    if (best && best.metrics[key] && Number.isFinite(bestOf(best.metrics[key], goal))) return best.id;
  }
  return runs[0]?.id;
}

/** One row per metric key: each run's last and best values, the best run marked, deltas against the baseline. */
export function metricRows(runs: RunLike[], baseline?: string): MetricSummaryRow[] {
  const keys = orderKeys(runs.flatMap((r) => Object.keys(r.metrics)));
  const base = runs.find((r) => r.id === baseline);
  return keys.map((key) => {
    // CPU or memory use is not better low or high: show values, mark nothing.
    if (groupOf(key) === 'system') {
      const cells = runs.map((r): MetricCell | null => (r.metrics[key] ? { last: r.metrics[key].last, lastStep: r.metrics[key].lastStep, best: r.metrics[key].max } : null));
      return { key, goal: 'none' as const, cells, bestIndex: -1 };
    }
    const goal = goalOf(key);
    let bestIndex = -1;
    let bestValue = NaN;
    const baseBest = base?.metrics[key] ? bestOf(base.metrics[key], goal) : NaN;
    const cells = runs.map((r, i): MetricCell | null => {
      const m = r.metrics[key];
      if (!m) return null;
      const best = bestOf(m, goal);
      if (isBetter(best, bestValue, goal)) {
        bestValue = best;
        bestIndex = i;
      }
      const cell: MetricCell = { last: m.last, lastStep: m.lastStep, best };
      if (base && Number.isFinite(baseBest) && Number.isFinite(best)) cell.delta = best - baseBest;
      return cell;
    });
    return { key, goal, cells, bestIndex };
  });
}
