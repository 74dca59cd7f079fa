import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openStore } from '../../index';
import { stringifyWithFloats } from '../../ingest/floats';
import { tempRoot } from '../../../../test/fixtures/logs';
import { encodeSeries, type SeriesColumns } from './seriesCodec';
import { META_FILE, ORIGIN_FILE, SERIES_FILE } from './teamReader';

/** A fetched run as src/team/materialise.ts writes it into the cache. */
function writeCached(root: string, remote: string, owner: string, id: string, meta: unknown, series: SeriesColumns[]): string {
  const dir = join(root, 'team', remote, owner, 'runs', id);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, META_FILE), stringifyWithFloats(meta));
  writeFileSync(join(dir, SERIES_FILE), encodeSeries(series));
  writeFileSync(join(dir, ORIGIN_FILE), JSON.stringify({ digest: 'd', owner, author: owner.split('@')[0], host: owner.split('@')[1], remote: 'origin' }));
  return dir;
}

const col = (xs: number[]) => Float64Array.from(xs);
const T = 1.7e12;

test('a fetched run is read from its meta.json and series.bin: every point, system metrics, specials, exact ints, status', async (t) => {
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
  writeCached(root, 'origin-0123', 'Ada@h', 'r1', meta, series);
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
  assert.deepEqual(run.artifacts.map((a: { path: string }) => a.path), ['artifacts/x.txt']);
  for (const s of series) {
    const [back] = await store.series({ runIds: ['r1'], keys: [s.key], points: 1e9 });
    assert.deepEqual(Array.from(back.steps), Array.from(s.steps), s.key);
    assert.deepEqual(Array.from(back.values), Array.from(s.values), s.key);
    assert.deepEqual(Array.from(back.times), Array.from(s.times), s.key);
  }
});

test('a fetched run is not live: crashed stays crashed, running is running as of when it was shared, and neither ever turns crashed here', async (t) => {
  const { root, cleanup } = tempRoot();
  t.after(cleanup);
  const old = T - 86_400_000 * 30;
  const series: SeriesColumns[] = [{ key: 'loss', steps: col([0, 1]), times: col([old, old + 1000]), values: col([1, 0.5]) }];
  const base = { name: 'n', startTime: old, lastUpdate: old + 1000, params: {}, overrides: {}, summary: {}, env: {}, argv: [], artifacts: [] };
  writeCached(root, 'origin-0123', 'Ada@h', 'was-crashed', { ...base, status: 'crashed' }, series);
  writeCached(root, 'origin-0123', 'Ada@h', 'was-killed', { ...base, status: 'killed', exitCode: -9 }, series);
  writeCached(root, 'origin-0123', 'Ada@h', 'was-running', { ...base, status: 'running', sharedAt: old + 5000 }, series);
  const store = await openStore({ roots: [root], crashAfterMs: 1000 });
  t.after(() => store.close());
  await store.index();
  const byId = new Map(store.listRuns().map((r) => [r.id, r]));
  assert.equal(byId.get('was-crashed')?.status, 'crashed');
  assert.equal(byId.get('was-killed')?.status, 'killed');
  assert.equal(byId.get('was-running')?.status, 'running', 'a snapshot of a running run: not turned crashed by its age');
  assert.equal(byId.get('was-running')?.sharedAt, old + 5000);
  assert.equal(byId.get('was-killed')?.sharedAt, old + 1000, 'without sharedAt: its last update');
});

test('two remotes keep two caches; a run whose copy is replaced by a fetch is read again from the start', async (t) => {
  const { root, cleanup } = tempRoot();
  t.after(cleanup);
  const s1: SeriesColumns[] = [{ key: 'loss', steps: col([0, 1]), times: col([T, T + 1]), values: col([1, 2]) }];
  const base = { startTime: T, lastUpdate: T + 1, status: 'finished', params: {}, overrides: {}, summary: {}, env: {}, argv: [], artifacts: [] };
  writeCached(root, 'origin-aaaa', 'Ada@h', 'a1', { ...base, name: 'from origin' }, s1);
  writeCached(root, 'mirror-bbbb', 'Cy@h', 'c1', { ...base, name: 'from mirror' }, s1);
  const store = await openStore({ roots: [root] });
  t.after(() => store.close());
  await store.index();
  assert.deepEqual(store.listRuns().map((r) => r.name).sort(), ['from mirror', 'from origin']);
  // The fetch swaps in a whole new copy; the store must not append to what it had.
  const s2: SeriesColumns[] = [{ key: 'loss', steps: col([0, 1, 2]), times: col([T, T + 1, T + 2]), values: col([1, 2, 3]) }];
  const dir = writeCached(root, 'origin-aaaa', 'Ada@h', 'a1', { ...base, name: 'from origin, again' }, s2);
  writeFileSync(join(dir, ORIGIN_FILE), JSON.stringify({ digest: 'changed', owner: 'Ada@h', author: 'Ada', host: 'h', remote: 'origin' }));
  await store.indexRuns?.(['a1']);
  assert.equal(store.getRun('a1')?.name, 'from origin, again');
  const [loss] = await store.series({ runIds: ['a1'], keys: ['loss'], points: 1e9 });
  assert.deepEqual(Array.from(loss.values), [1, 2, 3]);
});
