import { test } from 'node:test';
import assert from 'node:assert/strict';
import { packSeries } from './runView';

const f = (...v: number[]): Float64Array => Float64Array.from(v);

test('packed series share one buffer and keep every value, NaN included', () => {
  const packed = packSeries([
    { runId: 'a', key: 'loss', steps: f(0, 1), times: f(10, 11), values: f(1, NaN), total: 2 },
    { runId: 'b', key: 'loss', steps: f(5), times: f(20), values: f(Infinity), total: 9 },
    { runId: 'c', key: 'loss', steps: f(), times: f(), values: f(), total: 0 },
  ]);
  assert.equal(new Set(packed.flatMap((s) => [s.steps.buffer, s.times.buffer, s.values.buffer])).size, 1);
  assert.deepEqual([...packed[0]!.steps], [0, 1]);
  assert.deepEqual([...packed[0]!.times], [10, 11]);
  assert.ok(Number.isNaN(packed[0]!.values[1]));
  assert.deepEqual([...packed[1]!.values], [Infinity]);
  assert.equal(packed[1]!.total, 9);
  assert.equal(packed[2]!.values.length, 0);
});
