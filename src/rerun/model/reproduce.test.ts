import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MetricSummary } from '../../store/types';
import { compareMetrics, formatRel, relativeDifference } from './reproduce';

const m = (last: number): MetricSummary => ({ last, lastStep: 10, min: last, max: last, count: 11 });

test('relative differences, with zero and non-finite values handled', () => {
  assert.equal(relativeDifference(2, 2.02), 0.010000000000000009);
  assert.equal(relativeDifference(0, 0.001), 0.001);
  assert.equal(relativeDifference(Number.NaN, Number.NaN), 0);
  assert.equal(relativeDifference(1, Number.NaN), Number.POSITIVE_INFINITY);
  assert.equal(relativeDifference(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY), 0);
  assert.equal(relativeDifference(Number.POSITIVE_INFINITY, 1), Number.POSITIVE_INFINITY);
  assert.equal(formatRel(0.0123), '1.2%');
  assert.equal(formatRel(0), 'identical');
});

test('identical metrics reproduce exactly; system metrics are ignored', () => {
  const r = compareMetrics({ loss: m(0.5), 'system/cpu': m(10) }, { loss: m(0.5), 'system/cpu': m(90) }, 1e-3);
  assert.ok(r.reproduced);
  assert.equal(r.compared.length, 1);
  assert.equal(r.message, "Reproduced the parent's metrics exactly (1 compared).");
});

test('within tolerance reproduces and says by how much; beyond it does not and names the worst', () => {
  const ok = compareMetrics({ loss: m(1), acc: m(0.9) }, { loss: m(1.0005), acc: m(0.9) }, 1e-3);
  assert.ok(ok.reproduced);
  assert.match(ok.message, /within 0\.10% \(2 compared; largest difference loss 0\.050%\)/);
  const bad = compareMetrics({ loss: m(1), acc: m(0.9) }, { loss: m(1.2), acc: m(0.9) }, 1e-3);
  assert.ok(!bad.reproduced);
  assert.equal(bad.message, "Did not reproduce the parent's metrics (tolerance 0.10%): loss 20%.");
});

test('a metric the rerun never logged is not a reproduction', () => {
  const r = compareMetrics({ loss: m(1), acc: m(1) }, { loss: m(1), extra: m(3) }, 1e-3);
  assert.ok(!r.reproduced);
  assert.deepEqual(r.onlyParent, ['acc']);
  assert.deepEqual(r.onlyChild, ['extra']);
  assert.match(r.message, /missing acc/);
  assert.equal(compareMetrics({}, {}, 0).reproduced, false);
});
