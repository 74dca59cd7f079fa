import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openStore } from '../store';
import { tempRoot } from '../../test/fixtures/logs';
import { eventsText } from './eventsWriter';
import type { SeriesColumns } from './seriesCodec';

const col = (xs: number[]) => Float64Array.from(xs);
const T = 1.7e12;

test('a fetched run written as a Trackside log reads back through the store: every point, system metrics, specials, exact ints, status', async (t) => {
  const { root, cleanup } = tempRoot();
  t.after(cleanup);
  const series: SeriesColumns[] = [
    { key: 'loss', steps: col([0, 1, 2, 3]), times: col([T, T + 1000, T + 2000, T + 3000]), values: col([2, NaN, -Infinity, 0.125]) },
    { key: 'val/acc "q"', steps: col([1, 3]), times: col([T + 1500, T + 3500]), values: col([0.5, 0.75]) },
    { key: 'system/cpu', steps: col([0, 1]), times: col([T + 500, T + 2500]), values: col([10, 20]) },
  ];
  const meta = {
    name: 'n', project: 'p', tags: ['a', 7], status: 'failed', exitCode: 3, error: { type: 'E', message: 'm', traceback: 'tb' }, startTime: T, endTime: T + 4000, lastUpdate: T + 4000,
    params: JSON.parse('{"lr": 0.1, "big": 18446744073709552000, "__proto__": "x"}') as unknown, overrides: {}, summary: { best: 0.9 }, exactInts: { params: { big: '18446744073709551617' } },
    env: { os: 'Linux' }, argv: ['a'], artifacts: [{ path: 'artifacts/x.txt', size: 3, time: T }, { path: 5 }],
  };
  const dir = join(root, 'team', 'Ada@h', 'runs', 'r1');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'events.jsonl'), eventsText('r1', meta, series, { author: 'Ada', host: 'h', owner: 'Ada@h', remote: 'origin' }));
  const store = await openStore({ roots: [root] });
  t.after(() => store.close());
  const report = await store.index();
  assert.deepEqual(report.diagnostics, []);
  const run = store.getRun('r1');
  assert.ok(run);
  assert.equal(run.author, 'Ada');
  assert.equal(run.authorHost, 'h');
  assert.equal(run.readOnly, true);
  assert.equal(run.status, 'failed');
  assert.equal(run.exitCode, 3);
  assert.deepEqual(run.tags, ['a'], 'non-strings dropped');
  assert.equal(run.exactInts?.params?.big, '18446744073709551617');
  assert.equal(Object.getOwnPropertyDescriptor(run.params, '__proto__')?.value, 'x', 'a key named __proto__ stays a key');
  assert.deepEqual(run.artifacts.map((a) => a.path), ['artifacts/x.txt']);
  for (const s of series) {
    const [back] = await store.series({ runIds: ['r1'], keys: [s.key], points: 1e9 });
    assert.deepEqual(Array.from(back.steps), Array.from(s.steps), s.key);
    assert.deepEqual(Array.from(back.values), Array.from(s.values), s.key);
    assert.deepEqual(Array.from(back.times), Array.from(s.times), s.key);
  }
});
