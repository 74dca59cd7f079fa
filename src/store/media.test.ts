import assert from 'node:assert/strict';
import { symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openStore } from './runStore';
import { appendLog, runDir, tempRoot, writeLog } from '../../test/fixtures/logs';
import { mediaRun, writeFile } from '../../test/fixtures/media';
import { encodeLine, mediaHistogram, mediaImages, mediaTable, mediaText, metrics, start, T0, type LogRecord } from '../../test/fixtures/records';
import { spread } from './query/media';
import { plainRelative } from './query/mediaPaths';
import type { RunStore } from './types';

function fixture(t: { after: (fn: () => void) => void }) {
  const r = tempRoot();
  t.after(r.cleanup);
  return r.root;
}

async function storeWith(t: { after: (fn: () => Promise<void> | void) => void }, root: string, dbPath?: string): Promise<RunStore> {
  const store = await openStore({ roots: [root], now: () => (T0 + 60) * 1000, ...(dbPath ? { dbPath } : {}) });
  t.after(() => store.close());
  await store.index();
  return store;
}

test('media keys, steps, nearest step and latest, read from a logged run', async (t) => {
  const root = fixture(t);
  const dir = runDir(root, 'm1');
  writeLog(root, 'm1', mediaRun(dir, 'm1', { steps: 6 }).filter((r) => !('step' in r && r.t === 'media' && r.key === 'samples' && r.step === 3)));
  const store = await storeWith(t, root);
  assert.deepEqual(
    store.mediaKeys('m1').map((k) => [k.key, k.kind, k.count, k.firstStep, k.lastStep]),
    [
      ['note', 'text', 1, 0, 0],
      ['preds', 'table', 1, 0, 0],
      ['samples', 'image', 5, 0, 5],
      ['weights', 'histogram', 6, 0, 5],
    ],
  );
  assert.deepEqual(store.mediaSteps('m1', 'samples'), [0, 1, 2, 4, 5]);
  const at3 = await store.mediaAt('m1', 'samples', 3);
  assert.equal(at3?.step, 2, 'the nearest logged step at or below 3');
  assert.equal(at3?.images?.[0].file.state, 'ok');
  assert.equal(at3?.images?.[0].caption, 'step 2');
  assert.equal(at3?.images?.[0].width, 32);
  assert.equal((await store.mediaAt('m1', 'samples', 'latest'))?.step, 5);
  assert.equal(await store.mediaAt('m1', 'nothing', 'latest'), undefined);
  // Metrics beside media lines are read as before.
  const [loss] = await store.series({ runIds: ['m1'], keys: ['loss'], points: 100 });
  assert.deepEqual([...loss.steps], [0, 1, 2, 3, 4, 5]);
});

test('a media record without a step takes the run\'s current step; bad media records are reported, not fatal', async (t) => {
  const root = fixture(t);
  const dir = runDir(root, 'm2');
  writeFile(dir, 'media/a/x.txt', 'hello');
  writeLog(root, 'm2', [
    start({ id: 'm2' }),
    metrics(7, { loss: 1 }),
    mediaText(undefined, 'a', 'media/a/x.txt', 'hello'),
    '{"t":"media","ts":1700000000,"step":8,"key":"h","kind":"histogram","hist":{"edges":[0,1],"counts":[1,2]}}',
    '{"t":"media","ts":1700000000,"step":9,"key":"i","kind":"image","items":"nope"}',
    '{"t":"media","ts":1700000000,"step":9,"key":"z","kind":"video","path":"media/z.mp4"}',
    metrics(8, { loss: 2 }),
  ]);
  const store = await storeWith(t, root);
  assert.deepEqual(store.mediaSteps('m2', 'a'), [7]);
  assert.deepEqual(store.mediaKeys('m2').map((k) => k.key), ['a'], 'the bad histogram and image are skipped, an unknown kind ignored');
  const run = store.getRun('m2');
  assert.equal(run?.metrics.loss.count, 2);
  const problems = store.diagnostics().filter((d) => d.file.endsWith('events.jsonl'));
  assert.ok(problems.some((d) => /hist/.test(d.reason) || d.lines?.some((l) => /hist/.test(l.reason))), JSON.stringify(problems));
  const text = await store.mediaText('m2', 'a', 'latest');
  assert.equal(text?.text, 'hello');
});

test('media paths that leave the run folder are refused, deleted files are missing, both shown as missing', async (t) => {
  const root = fixture(t);
  const dir = runDir(root, 'm3');
  writeFileSync(join(root, 'secret.png'), 'secret');
  writeFile(dir, 'media/ok.png', 'png');
  writeFile(dir, 'media/gone.png', 'png');
  symlinkSync(join(root, 'secret.png'), join(dir, 'media', 'link.png'));
  const items = ['media/ok.png', '../secret.png', join(root, 'secret.png'), 'media/link.png', 'media/gone.png', 'media\\..\\..\\secret.png', 'media/../media/ok.png'];
  writeLog(root, 'm3', [start({ id: 'm3' }), mediaImages(0, 'x', items.map((path) => ({ path, width: 1, height: 1, format: 'png', bytes: 3 })))]);
  const store = await storeWith(t, root);
  unlinkSync(join(dir, 'media/gone.png'));
  const at = await store.mediaAt('m3', 'x', 0);
  assert.deepEqual(
    at?.images?.map((i) => (i.file.state === 'ok' ? 'ok' : i.file.why)),
    ['ok', 'refused', 'refused', 'refused', 'missing', 'refused', 'refused'],
  );
  const ok = at?.images?.[0].file;
  assert.equal(ok?.state === 'ok' ? ok.abs : undefined, join(dir, 'media/ok.png'));
  assert.equal(plainRelative('media/a.png'), true);
  assert.equal(plainRelative('C:/x.png'), false);
  assert.equal(plainRelative('media/\0.png'), false);
});

test('tables: sorted pages, nulls last, image cells checked; a hostile caption stays the same text', async (t) => {
  const root = fixture(t);
  const dir = runDir(root, 'm4');
  const hostile = '<img src=x onerror=alert(1)>';
  const recs = mediaRun(dir, 'm4', { steps: 2, caption: () => hostile, rows: 50 });
  writeFile(dir, 'media/t/1.table.json', JSON.stringify({ columns: ['a', 'b'], rows: [[3, 'x'], [null, 'y'], [1, { $float: 'NaN' }], [2, true]] }));
  recs.push(mediaTable(1, 'preds', 'media/t/1.table.json', ['a', 'b'], 4));
  writeLog(root, 'm4', recs);
  const store = await storeWith(t, root);
  const img = await store.mediaAt('m4', 'samples', 0);
  assert.equal(img?.images?.[0].caption, hostile);
  const page = await store.mediaTable({ runId: 'm4', key: 'preds', step: 0, sort: { column: 1, descending: true }, offset: 0, limit: 3 });
  assert.equal(page?.total, 50);
  // pred = id·7 mod 50 runs over 0…49 once each.
  assert.deepEqual(page?.rows.map((r) => r[1]), [49, 48, 47]);
  const withImage = await store.mediaTable({ runId: 'm4', key: 'preds', step: 0, limit: 1 });
  const cell = withImage?.rows[0][2];
  assert.ok(cell !== null && typeof cell === 'object' && cell.image.state === 'ok');
  const asc = await store.mediaTable({ runId: 'm4', key: 'preds', step: 'latest', sort: { column: 0, descending: false } });
  assert.deepEqual(asc?.rows.map((r) => r[0]), [1, 2, 3, null]);
  const desc = await store.mediaTable({ runId: 'm4', key: 'preds', step: 5, sort: { column: 0, descending: true } });
  assert.deepEqual(desc?.rows.map((r) => r[0]), [3, 2, 1, null], 'nulls stay last when descending');
  assert.ok(Number.isNaN(asc?.rows[0][1] as number), 'a special float cell is a number');
});

test('histograms over steps: thinned to the budget with first and last, rebinned onto common bins, counts kept', async (t) => {
  const root = fixture(t);
  runDir(root, 'm5');
  const recs: LogRecord[] = [start({ id: 'm5' })];
  for (let s = 0; s < 100; s++) recs.push(mediaHistogram(s, 'w', [s, s + 1, s + 2], [10, 30]));
  writeLog(root, 'm5', recs);
  const store = await storeWith(t, root);
  const h = store.histogramSeries('m5', 'w', 10, 101);
  assert.ok(h);
  assert.equal(h.total, 100);
  assert.equal(h.steps.length, 10);
  assert.equal(h.steps[0], 0);
  assert.equal(h.steps[9], 99);
  assert.equal(h.edges[0], 0);
  assert.equal(h.edges[101], 101);
  for (const c of h.counts) assert.ok(Math.abs(c.reduce((a, b) => a + b, 0) - 40) < 1e-9);
  // Step 0's bins [0,1) and [1,2) land in common bins 0 and 1 (width 1).
  assert.ok(Math.abs(h.counts[0][0] - 10) < 1e-9 && Math.abs(h.counts[0][1] - 30) < 1e-9);
  assert.deepEqual(spread(5, 10), [0, 1, 2, 3, 4]);
  assert.deepEqual(spread(10, 3), [0, 5, 9]);
});

test('media follow a live run incrementally and survive a persisted reopen; a rewritten log drops old rows', async (t) => {
  const root = fixture(t);
  const dir = runDir(root, 'm6');
  const dbPath = join(root, 'index.db');
  writeFile(dir, 'media/s/0.png', 'a');
  writeLog(root, 'm6', [start({ id: 'm6' }), mediaImages(0, 's', [{ path: 'media/s/0.png', width: 1, height: 1, format: 'png', bytes: 1 }])]);
  const store = await storeWith(t, root, dbPath);
  writeFile(dir, 'media/s/1.png', 'b');
  appendLog(root, 'm6', encodeLine(mediaImages(1, 's', [{ path: 'media/s/1.png', width: 1, height: 1, format: 'png', bytes: 1 }])) + '\n');
  const report = await store.indexRuns!(['m6']);
  assert.deepEqual(report.changedRuns, ['m6']);
  assert.deepEqual(store.mediaSteps('m6', 's'), [0, 1]);
  assert.equal(store.mediaKeys('m6')[0].count, 2);
  await store.persist();
  await store.close();
  const again = await openStore({ roots: [root], dbPath });
  t.after(() => again.close());
  await again.index();
  assert.deepEqual(again.mediaSteps('m6', 's'), [0, 1]);
  assert.equal((await again.mediaAt('m6', 's', 'latest'))?.images?.[0].file.path, 'media/s/1.png');
  writeLog(root, 'm6', [start({ id: 'm6' }), mediaImages(5, 't', [{ path: 'media/s/0.png', width: 1, height: 1, format: 'png', bytes: 1 }])]);
  await again.index();
  assert.deepEqual(again.mediaKeys('m6').map((k) => k.key), ['t']);
  assert.deepEqual(again.mediaSteps('m6', 's'), []);
});
