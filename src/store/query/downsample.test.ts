import assert from 'node:assert/strict';
import { test } from 'node:test';
import { downsampleIndices, gather, MIN_POINTS } from './downsample';
import { prng } from '../../../test/fixtures/prng';

function check(values: Float64Array, target: number): Uint32Array {
  const idx = downsampleIndices(values, target);
  assert.ok(idx.length <= Math.max(target, MIN_POINTS), `${idx.length} points for a target of ${target}`);
  for (let i = 1; i < idx.length; i++) assert.ok(idx[i] > idx[i - 1], 'indices ascend without repeats');
  return idx;
}

test('short series are returned whole', () => {
  assert.deepEqual([...downsampleIndices(new Float64Array([3, 1, 2]), 10)], [0, 1, 2]);
  assert.deepEqual([...downsampleIndices(new Float64Array([]), 10)], []);
  assert.deepEqual([...downsampleIndices(new Float64Array([7]), 1)], [0]);
});

test('first, last and global extremes are kept, and N is respected', () => {
  const rand = prng(7);
  for (const n of [5, 10, 999, 10_000, 100_003]) {
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) values[i] = Math.sin(i / 50) + rand() * 0.1;
    const lo = Math.floor(rand() * n);
    const hi = (lo + 1 + Math.floor(rand() * (n - 1))) % n;
    values[lo] = -100;
    values[hi] = 100;
    for (const target of [4, 5, 100, 1000]) {
      const idx = check(values, target);
      const kept = new Set(idx);
      for (const must of [0, n - 1, lo, hi]) assert.ok(kept.has(must), `n=${n} target=${target} keeps ${must}`);
    }
  }
});

test('targets below four are raised to four so extremes still fit', () => {
  const values = new Float64Array([5, 9, 1, 6, 3, 7, 2]);
  const idx = [...downsampleIndices(values, 1)];
  assert.ok(idx.length <= MIN_POINTS);
  assert.ok(idx.includes(0) && idx.includes(6) && idx.includes(1) && idx.includes(2));
});

test('NaN never wins a bucket, but an all-NaN stretch keeps one point', () => {
  const values = new Float64Array(1000).fill(1);
  values[500] = 50;
  for (let i = 100; i < 400; i++) values[i] = NaN;
  const idx = check(values, 20);
  const picked = [...idx].map((i) => values[i]);
  assert.ok(picked.includes(50));
  assert.ok(picked.some((v) => Number.isNaN(v)), 'a gap stays visible');
  const allNaN = new Float64Array(100).fill(NaN);
  assert.ok(check(allNaN, 10).length > 0);
});

test('infinities count as extremes', () => {
  const values = new Float64Array(1000).fill(0);
  values[300] = Infinity;
  values[600] = -Infinity;
  const kept = new Set(check(values, 10));
  assert.ok(kept.has(300) && kept.has(600));
});

test('gather picks the same indices from every column', () => {
  const [a, b] = gather(new Uint32Array([0, 2]), new Float64Array([1, 2, 3]), new Float64Array([4, 5, 6]));
  assert.deepEqual([...a], [1, 3]);
  assert.deepEqual([...b], [4, 6]);
});

/** The straightforward version (a NaN test per point), kept as the reference the fast loop must match exactly. */
function referenceIndices(values: Float64Array, target: number): number[] {
  const n = values.length;
  const limit = Math.max(Math.floor(target) || 0, MIN_POINTS);
  if (n <= limit) return [...Array(n).keys()];
  const buckets = Math.floor((limit - 2) / 2);
  const out = [0];
  const interior = n - 2;
  for (let b = 0; b < buckets; b++) {
    const from = 1 + Math.floor((b * interior) / buckets);
    const to = 1 + Math.floor(((b + 1) * interior) / buckets);
    let lo = -1;
    let hi = -1;
    for (let i = from; i < to; i++) {
      const v = values[i];
      if (Number.isNaN(v)) continue;
      if (lo < 0 || v < values[lo]) lo = i;
      if (hi < 0 || v > values[hi]) hi = i;
    }
    if (lo < 0) {
      if (from < to) out.push(from);
    } else if (lo === hi) out.push(lo);
    else out.push(Math.min(lo, hi), Math.max(lo, hi));
  }
  out.push(n - 1);
  return out;
}

test('the fast bucket loop picks exactly what the reference does, NaN and ±Infinity included', () => {
  const rand = prng(42);
  const specials = [NaN, Infinity, -Infinity];
  for (let round = 0; round < 300; round++) {
    const n = 1 + Math.floor(rand() * 3000);
    const values = new Float64Array(n);
    // Mixes of plain values, runs of one special value (whole buckets of NaN, of +Infinity only, of -Infinity
    // only: the cases the sentinels must fix up) and ties, so "first index of the extreme" is exercised.
    const special = specials[round % 3];
    const pSpecial = rand();
    let i = 0;
    while (i < n) {
      const run = 1 + Math.floor(rand() * 40);
      const kind = rand();
      for (let j = 0; j < run && i < n; j++, i++) {
        values[i] = kind < pSpecial ? (rand() < 0.8 ? special : specials[Math.floor(rand() * 3)]) : kind < 0.9 ? Math.round(rand() * 5) : rand();
      }
    }
    for (const target of [1, 4, 5, 10, 77, 1000]) {
      assert.deepEqual([...downsampleIndices(values, target)], referenceIndices(values, target), `round ${round}, n=${n}, target ${target}`);
    }
  }
});
