import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BLOCK, downsampleOverviews, overviewApplies, overviewLength, writeOverview, type ChunkOverview } from './overview';

/** Splits columns into chunks of the given sizes and writes each one's overview. */
function chunked(values: number[], sizes: number[], explicitSteps = false): ChunkOverview[] {
  const out: ChunkOverview[] = [];
  let at = 0;
  for (const n of sizes) {
    const v = Float64Array.from(values.slice(at, at + n));
    const t = Float64Array.from(v, (_, i) => 1000 * (at + i) + 0.25);
    const s = explicitSteps ? Float64Array.from(v, (_, i) => 3 * (at + i)) : null;
    const ov = new Float64Array(overviewLength(n) / 8);
    writeOverview(v, t, s, 3 * at, 3, ov);
    out.push({ n, overview: ov });
    at += n;
  }
  return out;
}

test('overview downsampling keeps first, last, spikes, infinities and an all-NaN stretch, within budget', () => {
  const n = 20_000;
  const values = Array.from({ length: n }, (_, i) => Math.sin(i / 50));
  values[4321] = 1e9;
  values[12_345] = -Infinity;
  for (let i = 6400; i < 6400 + 40 * BLOCK; i++) values[i] = NaN;
  for (const explicit of [false, true]) {
    const d = downsampleOverviews(chunked(values, [4096, 4096, 300, 4096, 4096, 3316], explicit), 100);
    assert.ok(d !== undefined);
    assert.equal(d.total, n);
    assert.ok(d.values.length <= 100);
    assert.deepEqual([d.steps[0], d.values[0], d.times[0]], [0, 0, 0.25]);
    assert.deepEqual([d.steps.at(-1), d.values.at(-1), d.times.at(-1)], [3 * (n - 1), values[n - 1], 1000 * (n - 1) + 0.25]);
    const at = (v: number) => d.values.findIndex((x) => Object.is(x, v));
    assert.equal(d.steps[at(1e9)], 3 * 4321);
    assert.equal(d.times[at(-Infinity)], 1000 * 12_345 + 0.25);
    assert.ok(d.values.some(Number.isNaN), 'a stretch of NaN stays visible as a gap');
    for (let i = 1; i < d.steps.length; i++) assert.ok(d.steps[i] > d.steps[i - 1], 'in order, each point once');
    for (let i = 0; i < d.steps.length; i++) {
      const idx = d.steps[i] / 3;
      assert.ok(Object.is(values[idx], d.values[i]), `point ${idx} is real`);
    }
  }
});

test('overview downsampling steps aside when buckets would be smaller than four blocks', () => {
  assert.equal(overviewApplies(1000, 1000), false, 'nothing to drop');
  assert.equal(overviewApplies(100_000, 1000), true);
  assert.equal(overviewApplies(100_000, 10_000), false, 'buckets of 20 points: exact downsampling instead');
  assert.equal(downsampleOverviews(chunked(Array.from({ length: 5000 }, Math.random), [4096, 904]), 1000), undefined);
});

/** downsampleOverviews as it was with closures per call (before issue 18's first-call work): the oracle below. */
function closureVersion(chunks: ChunkOverview[], target: number): { steps: Float64Array; times: Float64Array; values: Float64Array; total: number } | undefined {
  let n = 0;
  for (const c of chunks) n += c.n;
  if (!overviewApplies(n, target)) return undefined;
  const limit = Math.max(Math.floor(target) || 0, 4);
  const buckets = Math.floor((limit - 2) / 2);
  const loC = new Int32Array(buckets).fill(-1);
  const loAt = new Int32Array(buckets).fill(-1);
  const loV = new Float64Array(buckets);
  const hiC = new Int32Array(buckets).fill(-1);
  const hiAt = new Int32Array(buckets).fill(-1);
  const hiV = new Float64Array(buckets);
  const nanC = new Int32Array(buckets).fill(-1);
  const nanAt = new Int32Array(buckets).fill(-1);
  const interior = n - 2;
  let bucket = 0;
  let edge = 1 + Math.floor(interior / buckets);
  let start = 0;
  chunks.forEach((chunk, c) => {
    const end = start + chunk.n;
    for (let at = 6; start < end; at += 8, start += BLOCK) {
      while (start >= edge && bucket < buckets - 1) edge = 1 + Math.floor((++bucket + 1) * interior / buckets);
      const lv = chunk.overview[at + 1];
      if (Number.isNaN(lv)) {
        if (nanC[bucket] < 0) [nanC[bucket], nanAt[bucket]] = [c, at];
        continue;
      }
      if (loC[bucket] < 0 || lv < loV[bucket]) [loC[bucket], loAt[bucket], loV[bucket]] = [c, at, lv];
      const hv = chunk.overview[at + 5];
      if (hiC[bucket] < 0 || hv > hiV[bucket]) [hiC[bucket], hiAt[bucket], hiV[bucket]] = [c, at + 4, hv];
    }
    start = end;
  });
  const chunkStart = chunks.map((_, c) => chunks.slice(0, c).reduce((a, x) => a + x.n, 0));
  const pts: number[][] = [];
  const put = (ov: Float64Array, at: number) => pts.push([ov[at + 2], ov[at + 1], ov[at]]);
  put(chunks[0].overview, 0);
  let lastIndex = 0;
  const emit = (c: number, at: number) => {
    const index = chunkStart[c] + chunks[c].overview[at];
    if (index <= lastIndex || index >= n - 1) return;
    put(chunks[c].overview, at + 1);
    lastIndex = index;
  };
  for (let b = 0; b < buckets; b++) {
    if (loC[b] < 0) {
      if (nanC[b] >= 0) emit(nanC[b], nanAt[b]);
      continue;
    }
    const lo = chunkStart[loC[b]] + chunks[loC[b]].overview[loAt[b]];
    const hi = chunkStart[hiC[b]] + chunks[hiC[b]].overview[hiAt[b]];
    if (lo <= hi) emit(loC[b], loAt[b]);
    if (lo !== hi) emit(hiC[b], hiAt[b]);
    if (lo > hi) emit(loC[b], loAt[b]);
  }
  put(chunks[chunks.length - 1].overview, 3);
  return { steps: Float64Array.from(pts, (p) => p[0]), times: Float64Array.from(pts, (p) => p[1]), values: Float64Array.from(pts, (p) => p[2]), total: n };
}

test('overview downsampling equals the closure version it replaced: hostile values, odd chunk sizes, many targets', () => {
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const hostile = [NaN, Infinity, -Infinity, 0, -0, 5e-324, 1e308, -1e308];
  for (let round = 0; round < 40; round++) {
    const sizes = Array.from({ length: 1 + Math.floor(rand() * 8) }, () => (rand() < 0.3 ? 1 + Math.floor(rand() * 300) : 4096));
    const total = sizes.reduce((a, b) => a + b, 0);
    const values = Array.from({ length: total }, (_, i) => (rand() < 0.02 ? hostile[Math.floor(rand() * hostile.length)] : Math.round(Math.sin(i / (5 + round)) * 8) / 8));
    if (round % 5 === 0) values.fill(NaN, 0, Math.floor(total / 2));
    for (const target of [4, 10, 33, 100, 1000]) {
      const chunks = chunked(values, sizes, round % 2 === 0);
      assert.deepEqual(downsampleOverviews(chunks, target), closureVersion(chunks, target), `round ${round}, target ${target}`);
    }
  }
});
