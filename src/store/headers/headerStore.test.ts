import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { openStore } from '../runStore';
import { tempRoot, writeLog } from '../../../test/fixtures/logs';
import { T0 } from '../../../test/fixtures/records';
import { simpleRun } from '../../../test/fixtures/runs';
import { HeaderStore, scanHeadersEarly } from './headerStore';
import { ProvisionalRuns } from './provisionalRuns';

const NOW = (T0 + 200) * 1000;

function fixture(t: { after: (fn: () => void) => void }, runs: number, prefix = 'r'): string {
  const r = tempRoot();
  t.after(r.cleanup);
  for (let i = 0; i < runs; i++) writeLog(r.root, `${prefix}${i}`, simpleRun(`${prefix}${i}`, 5, { status: 'finished', start: { name: `name-${prefix}${i}` } }));
  return r.root;
}

test('runs are listed from their headers with no index open, flagged as not read yet', async (t) => {
  const root = fixture(t, 20);
  const provisional = new ProvisionalRuns();
  const seen: number[] = [];
  const report = await scanHeadersEarly(provisional, { roots: [root] }, (done) => seen.push(done));
  assert.equal(report.listed, 20);
  assert.equal(seen.at(-1), 20);
  const early = new HeaderStore(provisional, { roots: [root], now: () => NOW }, () => Promise.reject(new Error('no index in this test')));
  const rows = early.listRuns({ sort: { key: { kind: 'name' }, descending: false } });
  assert.equal(rows.length, 20);
  assert.ok(rows.every((r) => r.provisional === true && r.status === 'finished' && Object.keys(r.metrics).length === 0));
  assert.equal(rows[0].name, 'name-r0');
  assert.deepEqual(early.getRun('r3')?.params, { lr: 0.1, 'model.depth': 4, 'model.act': 'relu' });
  assert.equal(early.getRun('nope'), undefined);
  assert.deepEqual(early.metricKeys(), []);
  await assert.rejects(early.series({ runIds: ['r3'], keys: ['loss'], points: 100 }), /no index in this test/, 'what needs the index waits for the real store');
});

test('the store adopts headers read before it opened; its first pass replaces them with what it read', async (t) => {
  const root = fixture(t, 30);
  const provisional = new ProvisionalRuns();
  await scanHeadersEarly(provisional, { roots: [root] });
  const store = await openStore({ roots: [root], now: () => NOW, provisional });
  t.after(() => store.close());
  // Cold: the index holds nothing, so the rows are the headers, until the pass.
  assert.equal(store.listRuns().length, 30);
  assert.ok(store.listRuns().every((r) => r.provisional === true));
  assert.deepEqual(store.settledRuns!(), []);
  const early = new HeaderStore(provisional, { roots: [root], now: () => NOW }, () => Promise.resolve(store));
  await store.index();
  assert.equal(store.settledRuns!().length, 30, 'every header row is to be redrawn from the index');
  const rows = store.listRuns();
  assert.equal(rows.length, 30);
  assert.ok(rows.every((r) => r.provisional === undefined && r.metrics.loss?.count === 5));
  // A view still holding the header store reaches the index through it for what needs it.
  assert.equal((await early.series({ runIds: ['r1'], keys: ['loss'], points: 100 }))[0]?.steps.length, 5);
});

test('on a warm start the early rows give way to the persisted index as it opens, and no header is read after', async (t) => {
  const root = fixture(t, 25);
  const dbPath = join(root, 'index.sqlite');
  const cold = await openStore({ roots: [root], dbPath, now: () => NOW });
  await cold.index();
  await cold.persist();
  await cold.close();
  writeLog(root, 'fresh', simpleRun('fresh', 5, { status: 'finished', start: { name: 'new since' } }));
  // Before the index is open every run is read from its header (the scan cannot know what the index holds).
  const provisional = new ProvisionalRuns();
  assert.equal((await scanHeadersEarly(provisional, { roots: [root] })).listed, 26);
  const store = await openStore({ roots: [root], dbPath, now: () => NOW, provisional });
  t.after(() => store.close());
  const settled = store.settledRuns!();
  assert.equal(settled.length, 25, 'the runs the index holds are redrawn from it at once');
  assert.ok(!settled.includes('fresh'));
  const byId = new Map(store.listRuns().map((r) => [r.id, r]));
  assert.equal(byId.size, 26);
  assert.equal(byId.get('r4')?.metrics.loss?.count, 5, 'an indexed run wins over its header');
  assert.equal(byId.get('r4')?.provisional, undefined);
  assert.equal(byId.get('fresh')?.provisional, true, 'a run the index does not hold stays listed from its header');
  // Once a store has adopted them, a scan reads no header of a run the index holds.
  const again = new ProvisionalRuns();
  again.indexed = provisional.indexed;
  assert.equal((await scanHeadersEarly(again, { roots: [root] })).listed, 1);
});

test('a scan stops once the headers are dropped: a reopened index does not keep reading the old ones', async (t) => {
  const root = fixture(t, 200);
  const provisional = new ProvisionalRuns();
  let done = 0;
  const scan = scanHeadersEarly(provisional, { roots: [root] }, (n) => {
    done = n;
    if (n === 10) provisional.close();
  });
  await scan;
  assert.ok(done < 200, `stopped after ${done} of 200`);
  assert.equal(provisional.size, 0);
});
