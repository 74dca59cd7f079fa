// Which params mattered, from the trials alone: for each param, the share of the metric's variance its value
// explains on its own (the correlation ratio η², fANOVA's first-order main effect estimated by binning instead of
// a random forest). Numbers are cut into up to five bins of equal counts by rank (so log-scaled params bin by
// order, not by value); other values are their own bins. Interactions are not measured: the shares need not sum
// to 1. With few trials η² is biased upward (each bin mean fits its own noise), so it is adjusted like R²
// (ε², Kelley's), clipped at 0.
import type { Params, Value } from './space';

export interface Importance {
  param: string;
  /** In [0, 1]: the adjusted share of the metric's variance explained by this param alone. */
  score: number;
}

export const IMPORTANCE_METHOD = 'first-order variance share (ε², adjusted correlation ratio over ≤ 5 rank bins)';

const MAX_BINS = 5;

function binsOf(values: Value[]): number[] {
  if (values.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    const nums = values as number[];
    const distinct = [...new Set(nums)].sort((a, b) => a - b);
    if (distinct.length <= MAX_BINS) return nums.map((v) => distinct.indexOf(v));
    // Equal-count bins by rank; ties stay in one bin.
    const order = [...nums].sort((a, b) => a - b);
    const edges: number[] = [];
    for (let b = 1; b < MAX_BINS; b++) edges.push(order[Math.floor((b * order.length) / MAX_BINS)]);
    return nums.map((v) => edges.filter((e) => v >= e).length);
  }
  const keys = values.map((v) => JSON.stringify(v));
  const distinct = [...new Set(keys)];
  return keys.map((k) => distinct.indexOf(k));
}

export function paramImportance(trials: ReadonlyArray<{ params: Params; value: number }>): Importance[] {
  const usable = trials.filter((t) => Number.isFinite(t.value));
  const n = usable.length;
  if (n < 3) return [];
  const mean = usable.reduce((s, t) => s + t.value, 0) / n;
  const total = usable.reduce((s, t) => s + (t.value - mean) ** 2, 0);
  if (!(total > 0)) return [];
  const keys = [...new Set(usable.flatMap((t) => Object.keys(t.params)))].sort();
  const out: Importance[] = [];
  for (const param of keys) {
    const rows = usable.filter((t) => t.params[param] !== undefined);
    if (rows.length < 3) continue;
    const bins = binsOf(rows.map((t) => t.params[param] as Value));
    const k = Math.max(...bins) + 1;
    if (k < 2) continue; // a constant explains nothing
    const sums = new Array<number>(k).fill(0);
    const counts = new Array<number>(k).fill(0);
    rows.forEach((t, i) => {
      sums[bins[i]] += t.value;
      counts[bins[i]]++;
    });
    const m = rows.reduce((s, t) => s + t.value, 0) / rows.length;
    const within = rows.reduce((s, t) => s + (t.value - m) ** 2, 0);
    if (!(within > 0)) continue;
    const between = sums.reduce((s, sum, b) => (counts[b] ? s + counts[b] * (sum / counts[b] - m) ** 2 : s), 0);
    const residual = (within - between) / Math.max(1, rows.length - k);
    const score = (between - (k - 1) * residual) / (within + residual);
    out.push({ param, score: Math.min(1, Math.max(0, score)) });
  }
  return out.sort((a, b) => b.score - a.score || a.param.localeCompare(b.param));
}
