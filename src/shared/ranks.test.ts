import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chartGroup, formatStepRate, groupKeys, rankRates } from './ranks';

const rank = (r: number, stepRate: number | null, host = 'node-a') => ({ rank: r, host, status: 'running', lastStep: 100, stepRate });

test('the straggler is the slowest rank, marked only when it lags the median beyond noise', () => {
  const rates = rankRates([rank(2, 4, 'node-b'), rank(0, 10), rank(1, 8)]);
  assert.deepEqual(rates.map((r) => r.rank), [0, 1, 2], 'rank order');
  assert.deepEqual(rates.map((r) => r.slowest), [false, false, true]);
  assert.deepEqual(rates.map((r) => r.fraction), [1, 0.8, 0.4]);
  assert.equal(rates[2]!.host, 'node-b');
  // Within 10% of the median: nobody is a straggler.
  assert.deepEqual(rankRates([rank(0, 10), rank(1, 9.5), rank(2, 9.9)]).map((r) => r.slowest), [false, false, false]);
  // A stalled rank (0 steps/s) beside moving ones is the straggler.
  assert.deepEqual(rankRates([rank(0, 0), rank(1, 5)]).map((r) => r.slowest), [true, false]);
});

test('unknown, negative and non-finite rates are unknown, not slowest', () => {
  const rates = rankRates([rank(0, 10), rank(1, null), rank(2, Number.NaN), rank(3, -1), rank(4, 2)]);
  assert.deepEqual(rates.map((r) => r.stepRate), [10, null, null, null, 2]);
  assert.deepEqual(rates.map((r) => r.fraction), [1, null, null, null, 0.2]);
  assert.deepEqual(rates.map((r) => r.slowest), [false, false, false, false, true]);
  assert.deepEqual(rankRates([rank(0, 3)]).map((r) => r.slowest), [false], 'one rank has no straggler');
  assert.deepEqual(rankRates([]), []);
});

test('step rates read as steps per second', () => {
  assert.equal(formatStepRate(123.4), '123 steps/s');
  assert.equal(formatStepRate(12.34), '12.3 steps/s');
  assert.equal(formatStepRate(0.25), '0.25 steps/s');
  assert.equal(formatStepRate(null), '—');
});

test('system metrics of a multi-host job are grouped per host; other keys by prefix', () => {
  const hosts = ['node-a', 'node-b'];
  assert.deepEqual(chartGroup('system/node-a/cpu_percent', hosts), { id: 'system/node-a', title: 'System · node-a' });
  assert.deepEqual(chartGroup('system/gpu0/util', hosts), { id: 'system', title: 'System · node-a' }, "not a host: rank 0's host");
  assert.deepEqual(chartGroup('system/cpu', hosts), { id: 'system', title: 'System · node-a' });
  assert.deepEqual(chartGroup('system/my_host/cpu', ['node-a', 'my host']), { id: 'system/my host', title: 'System · my host' }, 'white space in a host is _ in its keys');
  assert.deepEqual(chartGroup('system/node-a/cpu_percent'), { id: 'system', title: 'System' }, 'no hosts: one system group');
  assert.deepEqual(chartGroup('train/loss', hosts), { id: 'train', title: 'train' });
  assert.deepEqual(chartGroup('loss', hosts), { id: 'metrics', title: 'metrics' });
  const keys = ['train/loss', 'system/cpu', 'system/node-a/cpu', 'system/node-b/cpu', 'system/node-a/mem', 'val/acc'];
  assert.deepEqual(groupKeys(keys, hosts), ['train/loss', 'system/cpu', 'system/node-a/cpu', 'system/node-a/mem', 'system/node-b/cpu', 'val/acc']);
});
