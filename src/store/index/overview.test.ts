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
