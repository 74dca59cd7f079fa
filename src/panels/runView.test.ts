import { test } from 'node:test';
import assert from 'node:assert/strict';
import { packSeries, runView } from './runView';
import { run } from '../../test/fixtures/explorerRuns';

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

test('a distributed run reaches the webview with its ranks, hosts and crashed rank; a single-process run without', () => {
  const ranks = [
    { rank: 0, host: 'node-a', pid: 10, status: 'finished' as const, lastStep: 300, lastTs: 1, stepRate: 1, error: 'x' },
    { rank: 1, host: 'node-b', pid: null, status: 'crashed' as const, lastStep: null, lastTs: null, stepRate: null },
  ];
  const view = runView(run('job', { status: 'crashed', ranks, hosts: ['node-a', 'node-b'], crashedRank: { rank: 1, host: 'node-b' } }), 'red');
  assert.deepEqual(view.ranks, [
    { rank: 0, host: 'node-a', status: 'finished', lastStep: 300, stepRate: 1 },
    { rank: 1, host: 'node-b', status: 'crashed', lastStep: null, stepRate: null },
  ]);
  assert.deepEqual(view.hosts, ['node-a', 'node-b']);
  assert.deepEqual(view.crashedRank, { rank: 1, host: 'node-b' });
  const solo = runView(run('solo'), 'red');
  assert.equal('ranks' in solo || 'hosts' in solo || 'crashedRank' in solo, false);
});
