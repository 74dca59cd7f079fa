// Per run × key bookkeeping: the summary the UI shows, and where the series' last chunk stands.
import type { MetricSummary } from '../types';

export interface SeriesMeta {
  /** Distinct steps. */
  count: number;
  last: number;
  lastStep: number;
  min: number;
  max: number;
  /** Steps strictly increased in append order; false once a step repeated or went back (dedupe at read). */
  monotone: boolean;
  chunks: number;
  /** Points in the last chunk when it is an inline tail (rewritten as points arrive until sealed); 0 when sealed. */
  tailN: number;
  /**
   * Where the overviews of the sealed chunks are in the run's point file, as [position, bytes] spans in chunk
   * order (a commit lays one series' overviews side by side, so a series indexed at once has one span). With
   * them a full view reads its overviews without asking the index for chunk rows. Absent after an index was
   * loaded without its snapshot (undefined); the rows serve then.
   */
  ovSpans: Array<[number, number]> | undefined;
  maxStep: number;
}

/**
 * Every meta is made here, its fields always present and in one order. Objects of two shapes sent foldPoints,
 * optimised for the first while it ran its first loop, into a deoptimisation on every later call.
 */
export function makeMeta(count: number, last: number, lastStep: number, min: number, max: number, monotone: boolean, chunks: number, tailN: number, maxStep: number, ovSpans: Array<[number, number]> | undefined): SeriesMeta {
  return { count, last, lastStep, min, max, monotone, chunks, tailN, maxStep, ovSpans };
}

export function emptyMeta(): SeriesMeta {
  return makeMeta(0, NaN, -Infinity, NaN, NaN, true, 0, 0, -Infinity, undefined);
}

export function copyMeta(m: SeriesMeta): SeriesMeta {
  return makeMeta(m.count, m.last, m.lastStep, m.min, m.max, m.monotone, m.chunks, m.tailN, m.maxStep, m.ovSpans);
}

export function toSummary(m: SeriesMeta): MetricSummary {
  return { last: m.last, lastStep: m.lastStep, min: m.min, max: m.max, count: m.count };
}

/** Folds appended points into a summary while the series stays monotone. */
export function foldPoints(m: SeriesMeta, steps: Float64Array, values: Float64Array, n: number): void {
  let { maxStep, min, max, monotone } = m;
  for (let i = 0; i < n; i++) {
    const s = steps[i];
    const v = values[i];
    if (!(s > maxStep)) monotone = false;
    else maxStep = s;
    if (v - v === 0) {
      // finite: NaN-safe comparisons let NaN mean "no finite value yet"
      if (!(v >= min)) min = v;
      if (!(v <= max)) max = v;
    }
  }
  m.monotone = monotone;
  m.maxStep = maxStep;
  m.min = min;
  m.max = max;
  if (n > 0 && monotone) {
    m.last = values[n - 1];
    m.lastStep = steps[n - 1];
    m.count += n;
  }
}

/** Recomputes a summary from a full, deduplicated, step-sorted series. */
export function summaryFrom(m: SeriesMeta, steps: Float64Array, values: Float64Array, n: number): void {
  let min = NaN;
  let max = NaN;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v - v === 0) {
      if (!(v >= min)) min = v;
      if (!(v <= max)) max = v;
    }
  }
  m.min = min;
  m.max = max;
  m.count = n;
  m.last = n > 0 ? values[n - 1] : NaN;
  m.lastStep = n > 0 ? steps[n - 1] : -Infinity;
  m.maxStep = m.lastStep;
}

/**
 * Sorts points by step, keeping for each step the one appended last ("later value wins"). Returns the input
 * arrays untouched when steps already strictly increase.
 */
export function dedupeSteps(steps: Float64Array, times: Float64Array, values: Float64Array): { steps: Float64Array; times: Float64Array; values: Float64Array } {
  const n = steps.length;
  let sorted = true;
  for (let i = 1; i < n && sorted; i++) if (!(steps[i] > steps[i - 1])) sorted = false;
  if (sorted) return { steps, times, values };
  const order = Array.from({ length: n }, (_, i) => i);
  // Stable by construction: ties keep append order, so the last of each run of equal steps is the latest.
  order.sort((a, b) => steps[a] - steps[b] || a - b);
  const keep: number[] = [];
  for (let k = 0; k < n; k++) {
    const i = order[k];
    if (k + 1 < n && steps[order[k + 1]] === steps[i]) continue;
    keep.push(i);
  }
  const out = { steps: new Float64Array(keep.length), times: new Float64Array(keep.length), values: new Float64Array(keep.length) };
  keep.forEach((i, j) => {
    out.steps[j] = steps[i];
    out.times[j] = times[i];
    out.values[j] = values[i];
  });
  return out;
}
