import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import type * as vscode from 'vscode';
import type { StoreChange } from '../core/services';
import { openStore } from '../store';
import { tempRoot, writeLog } from '../../test/fixtures/logs';
import { T0 } from '../../test/fixtures/records';
import { simpleRun } from '../../test/fixtures/runs';
import { HeaderStore, scanHeadersEarly } from '../store/headers/headerStore';
import { ProvisionalRuns } from '../store/headers/provisionalRuns';
import { listFromHeaders } from './headerRows';

/** The output channel's two methods this uses, keeping the lines (the channel itself needs a running VS Code). */
function lines(out: string[]): vscode.LogOutputChannel {
  return { info: (l: string) => out.push(`info ${l}`), warn: (l: string) => out.push(`warn ${l}`) } as unknown as vscode.LogOutputChannel;
}

test('a cold store tells the view of rows read from headers before any pass, then the pass settles them', async (t) => {
  const r = tempRoot();
  t.after(r.cleanup);
  for (let i = 0; i < 100; i++) writeLog(r.root, `run${String(i).padStart(3, '0')}`, simpleRun(`run${i}`, 5, { status: 'finished', t0: T0 + i }));
  const store = await openStore({ roots: [r.root], now: () => (T0 + 200) * 1000 });
  t.after(() => store.close());
  const told: Array<{ change: StoreChange; rows: number }> = [];
  const out: string[] = [];
  const { first } = listFromHeaders((onProgress) => store.scanHeaders!(onProgress), (change) => told.push({ change, rows: store.listRuns().length }), () => undefined, lines(out), Date.now());
  await first;
  // `first` also settles after FIRST_ROWS_WAIT_MS on a slow disk (or a loaded machine): the tell may come later.
  for (let i = 0; i < 1000 && told.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.ok(told.length >= 1, 'told before the first pass');
  assert.ok(told[0].rows >= 8, `the first tell lists a batch of rows (${told[0].rows})`);
  assert.deepEqual(told[0].change.indexing?.total, 100, 'the view says how many runs there are');
  assert.match(out[0], /^info First rows: \d+ of 100 runs listed from their headers, \d+ ms after activation\.$/);
  // The scan goes on beside the pass; every run is listed, by name, with its status, before its metrics.
  for (let i = 0; i < 100 && store.listRuns().length < 100; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  const listed = store.listRuns();
  assert.equal(listed.length, 100);
  assert.ok(listed.every((run) => run.status === 'finished' && run.name.startsWith('name-run') && Object.keys(run.metrics).length === 0));
  await store.index();
  assert.equal(store.settledRuns!().length, 100, 'every header row is to be redrawn from the index');
  assert.ok(store.listRuns().every((run) => run.metrics.loss?.count === 5));
});

test('a warm store reads no header: its rows are the persisted index', async (t) => {
  const r = tempRoot();
  t.after(r.cleanup);
  for (let i = 0; i < 40; i++) writeLog(r.root, `a${i}`, simpleRun(`a${i}`, 3, { status: 'finished' }));
  const dbPath = join(r.root, 'index.sqlite');
  const cold = await openStore({ roots: [r.root], dbPath, now: () => (T0 + 200) * 1000 });
  await cold.index();
  await cold.persist();
  await cold.close();
  // A fresh store on the persisted index, as the extension opens it at the next start: no pass has run in it.
  const store = await openStore({ roots: [r.root], dbPath, now: () => (T0 + 200) * 1000 });
  t.after(() => store.close());
  assert.equal(store.listRuns().length, 40, 'rows from the persisted index at once');
  const told: StoreChange[] = [];
  const out: string[] = [];
  await listFromHeaders((onProgress) => store.scanHeaders!(onProgress), (change) => told.push(change), () => undefined, lines(out), Date.now()).first;
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.deepEqual(told, []);
  assert.deepEqual(out, []);
});

test('with no index open yet, the header scan tells the first rows, and `told` settles with them', async (t) => {
  const r = tempRoot();
  t.after(r.cleanup);
  for (let i = 0; i < 60; i++) writeLog(r.root, `e${i}`, simpleRun(`e${i}`, 5, { status: 'finished' }));
  const provisional = new ProvisionalRuns();
  const early = new HeaderStore(provisional, { roots: [r.root], now: () => (T0 + 200) * 1000 }, () => Promise.reject(new Error('not open')));
  const told: number[] = [];
  const out: string[] = [];
  const rows = listFromHeaders((onProgress) => scanHeadersEarly(provisional, { roots: [r.root] }, onProgress), () => told.push(early.listRuns().length), () => undefined, lines(out), Date.now());
  await rows.told;
  assert.ok(told.length >= 1 && told[0] >= 8, `the first tell lists a batch of rows (${told[0]})`);
  assert.match(out[0], /^info First rows: \d+ of 60 runs listed from their headers/);
  await rows.first;
  for (let i = 0; i < 1000 && early.listRuns().length < 60; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(early.listRuns().length, 60);
  assert.ok(early.listRuns().every((run) => run.provisional === true));
});

test('a scan that lists nothing still settles `told` and `first`, so the view waits for the index instead', async (t) => {
  const r = tempRoot();
  t.after(r.cleanup);
  const out: string[] = [];
  const rows = listFromHeaders((onProgress) => scanHeadersEarly(new ProvisionalRuns(), { roots: [r.root] }, onProgress), () => assert.fail('nothing to tell'), () => undefined, lines(out), Date.now());
  await rows.told;
  await rows.first;
  assert.deepEqual(out, []);
});
