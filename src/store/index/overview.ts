// A sealed chunk's overview: its first and last points, and for every block of BLOCK points the block's minimum
// and maximum (index, value, time, step). A full view of a long series is downsampled from overviews alone: it
// reads about an eighth of the bytes and scans a sixteenth of the values, so 100 series of 100k points come back
// in tens of milliseconds instead of hundreds.
//
// The buckets are then made of whole blocks rather than cut at exact indices; it is still min/max-per-bucket
// downsampling (first, last, every bucket's extremes, hence the global ones). It is used only when a bucket
// spans at least MIN_BLOCKS_PER_BUCKET blocks, so a bucket edge moves by less than a quarter of a bucket.
import { MIN_POINTS } from '../query/downsample';

export const BLOCK = 32;
const MIN_BLOCKS_PER_BUCKET = 4;
/** Float64 slots: first and last points, then per block its minimum and maximum point. */
const HEAD = 6;
const ENTRY = 8;

export function overviewLength(n: number): number {
  return 8 * (HEAD + ENTRY * Math.ceil(n / BLOCK));
}

/** Step of point `i` of a chunk. */
const stepAt = (steps: Float64Array | null, step0: number, stride: number, i: number) => (steps !== null ? steps[i] : step0 + i * stride);

/** Fills `out` (overviewLength(n) / 8 slots) for a chunk's columns. A block of only NaN keeps its first point. */
export function writeOverview(values: Float64Array, times: Float64Array, steps: Float64Array | null, step0: number, stride: number, out: Float64Array): void {
  const n = values.length;
  const put = (at: number, i: number) => {
    out[at] = values[i];
    out[at + 1] = times[i];
    out[at + 2] = stepAt(steps, step0, stride, i);
  };
  put(0, 0);
  put(3, n - 1);
  for (let b = 0, at = HEAD; b * BLOCK < n; b++, at += ENTRY) {
    const from = b * BLOCK;
    const to = Math.min(n, from + BLOCK);
    let lo = -1;
    let hi = -1;
    for (let i = from; i < to; i++) {
      const v = values[i];
      if (v !== v) continue;
      if (lo < 0 || v < values[lo]) lo = i;
      if (hi < 0 || v > values[hi]) hi = i;
    }
    if (lo < 0) lo = hi = from;
    out[at] = lo;
    put(at + 1, lo);
    out[at + 4] = hi;
    put(at + 5, hi);
  }
}

export interface ChunkOverview {
  n: number;
  overview: Float64Array;
}

/** Whether `n` points downsampled to `target` make buckets large enough to be built from blocks. */
export function overviewApplies(n: number, target: number): boolean {
  const limit = Math.max(Math.floor(target) || 0, MIN_POINTS);
  return n > limit && (n - 2) / Math.floor((limit - 2) / 2) >= MIN_BLOCKS_PER_BUCKET * BLOCK;
}

/** Per bucket, where its minimum, maximum and first NaN are: chunk index and overview slot (-1: none yet). */
interface BucketPicks {
  loC: Int32Array;
  loAt: Int32Array;
  loV: Float64Array;
  hiC: Int32Array;
  hiAt: Int32Array;
  hiV: Float64Array;
  nanC: Int32Array;
  nanAt: Int32Array;
}

/**
 * The hot loop, kept small and free of closures: V8 compiles it quickly, which matters because a first full
 * view runs it while it is still being optimised. A block belongs to the bucket its first point falls in
 * (buckets cut the interior as downsampleIndices does).
 */
function pick(chunks: ChunkOverview[], n: number, buckets: number, p: BucketPicks): void {
  const interior = n - 2;
  let bucket = 0;
  let edge = 1 + Math.floor(interior / buckets);
  let start = 0;
  for (let c = 0; c < chunks.length; c++) {
    const ov = chunks[c].overview;
    const end = start + chunks[c].n;
    for (let at = HEAD; start < end; at += ENTRY, start += BLOCK) {
      while (start >= edge && bucket < buckets - 1) {
        bucket++;
        edge = 1 + Math.floor(((bucket + 1) * interior) / buckets);
      }
      const lv = ov[at + 1];
      if (lv !== lv) {
        if (p.nanC[bucket] < 0) {
          p.nanC[bucket] = c;
          p.nanAt[bucket] = at;
        }
        continue;
      }
      if (p.loC[bucket] < 0 || lv < p.loV[bucket]) {
        p.loC[bucket] = c;
        p.loAt[bucket] = at;
        p.loV[bucket] = lv;
      }
      const hv = ov[at + 5];
      if (p.hiC[bucket] < 0 || hv > p.hiV[bucket]) {
        p.hiC[bucket] = c;
        p.hiAt[bucket] = at + 4;
        p.hiV[bucket] = hv;
      }
    }
    start = end;
  }
}

/** Chunks' overviews downsampled to `target` points, or undefined when overviewApplies says no. */
export function downsampleOverviews(chunks: ChunkOverview[], target: number): { steps: Float64Array; times: Float64Array; values: Float64Array; total: number } | undefined {
  let n = 0;
  for (let c = 0; c < chunks.length; c++) n += chunks[c].n;
  if (!overviewApplies(n, target)) return undefined;
  const limit = Math.max(Math.floor(target) || 0, MIN_POINTS);
  const buckets = Math.floor((limit - 2) / 2);
  const p: BucketPicks = { loC: none(buckets), loAt: none(buckets), loV: new Float64Array(buckets), hiC: none(buckets), hiAt: none(buckets), hiV: new Float64Array(buckets), nanC: none(buckets), nanAt: none(buckets) };
  pick(chunks, n, buckets, p);
  // Global index of a block entry's point: its chunk's first index plus the index stored in the entry.
  const chunkStart = new Float64Array(chunks.length);
  for (let c = 1; c < chunks.length; c++) chunkStart[c] = chunkStart[c - 1] + chunks[c - 1].n;
  const out: Emitted = { steps: new Float64Array(limit), times: new Float64Array(limit), values: new Float64Array(limit), k: 0, lastIndex: 0 };
  put(out, chunks[0].overview, 0);
  for (let b = 0; b < buckets; b++) {
    if (p.loC[b] < 0) {
      if (p.nanC[b] >= 0) emit(out, chunks, chunkStart, n, p.nanC[b], p.nanAt[b]);
      continue;
    }
    const lo = chunkStart[p.loC[b]] + chunks[p.loC[b]].overview[p.loAt[b]];
    const hi = chunkStart[p.hiC[b]] + chunks[p.hiC[b]].overview[p.hiAt[b]];
    if (lo <= hi) emit(out, chunks, chunkStart, n, p.loC[b], p.loAt[b]);
    if (lo !== hi) emit(out, chunks, chunkStart, n, p.hiC[b], p.hiAt[b]);
    if (lo > hi) emit(out, chunks, chunkStart, n, p.loC[b], p.loAt[b]);
  }
  put(out, chunks[chunks.length - 1].overview, 3);
  const k = out.k;
  return { steps: out.steps.slice(0, k), times: out.times.slice(0, k), values: out.values.slice(0, k), total: n };
}

// The points picked so far. Plain functions over it rather than closures made per call: a first full view
// downsamples a hundred series while V8 is still compiling, and one function compiled serves every call.
interface Emitted {
  steps: Float64Array;
  times: Float64Array;
  values: Float64Array;
  k: number;
  lastIndex: number;
}

function none(length: number): Int32Array {
  return new Int32Array(length).fill(-1);
}

/** Appends the point at slot `at` of an overview: value, time, step. */
function put(out: Emitted, ov: Float64Array, at: number): void {
  const k = out.k++;
  out.values[k] = ov[at];
  out.times[k] = ov[at + 1];
  out.steps[k] = ov[at + 2];
}

/**
 * Appends a block entry's point ([index, value, time, step]); the first block's extreme may be the first point
 * and the last block's the last one: each point once.
 */
function emit(out: Emitted, chunks: ChunkOverview[], chunkStart: Float64Array, n: number, c: number, at: number): void {
  const index = chunkStart[c] + chunks[c].overview[at];
  if (index <= out.lastIndex || index >= n - 1) return;
  put(out, chunks[c].overview, at + 1);
  out.lastIndex = index;
}
