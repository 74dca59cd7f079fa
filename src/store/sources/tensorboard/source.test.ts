// TensorBoard runs through the real store: found by TensorBoard's rule (nested runs too), read into params,
// metrics and status next to a Trackside run, tailed as their event files grow, and damage reported with the
// file and byte offset while everything else is kept. Event files come from the fixture writer (event.proto).
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempRoot, writeLog } from '../../../../test/fixtures/logs';
import { T0 } from '../../../../test/fixtures/records';
import { simpleRun } from '../../../../test/fixtures/runs';
import { event, eventFile, eventFileName, hparamsEndValue, scalarValue, tensorboardEvents, textValue, tfrecord, writeEventFile } from '../../../../test/fixtures/tensorboard';
import { openStore } from '../../runStore';
import type { RunStore } from '../../types';
import { tailLimits } from '../binary/tail';
import { limits } from '../../index/indexRun';

function root(t: { after: (fn: () => void) => void }): string {
  const r = tempRoot();
  t.after(r.cleanup);
  return r.root;
}

async function values(store: RunStore, id: string, key: string): Promise<number[]> {
  const [s] = await store.series({ runIds: [id], keys: [key], points: 1e6 });
  return s === undefined ? [] : [...s.values];
}

/** Makes a file look last written long ago, so its run reads as ended. */
function age(path: string): void {
  const old = new Date(Date.now() - 3600_000);
  utimesSync(path, old, old);
}

test('TensorBoard runs, nested ones too, list beside a Trackside run with params, metrics and status', async (t) => {
  const r = root(t);
  writeLog(r, 'native', simpleRun('native', 3, { status: 'finished' }));
  age(writeEventFile(join(r, 'logs', 'train'), tensorboardEvents(5, { lr: 0.01 })));
  age(writeEventFile(join(r, 'logs', 'train', 'eval'), tensorboardEvents(2, { style: 'float-content', values: (s) => ({ 'eval/acc': 0.5 + s / 4 }) })));
  const store = await openStore({ roots: [r] });
  const report = await store.index();
  assert.deepEqual(report.diagnostics, []);
  const runs = store.listRuns();
  assert.deepEqual(runs.map((x) => [x.source, x.name]).sort(), [
    ['tensorboard', 'logs/train'],
    ['tensorboard', 'logs/train/eval'],
    ['trackside', 'name-native'],
  ]);
  const train = runs.find((x) => x.name === 'logs/train');
  assert.ok(train !== undefined);
  assert.equal(train.status, 'finished');
  assert.equal(train.project, 'logs');
  assert.equal(train.readOnly, true);
  assert.deepEqual(train.params, { lr: 0.01, depth: 4, act: 'relu' });
  assert.deepEqual(train.metrics.loss, { count: 5, last: 8, lastStep: 4, min: 8, max: 10 });
  assert.equal(train.startTime, T0 * 1000);
  assert.deepEqual(await values(store, train.id, 'loss'), [10, 9.5, 9, 8.5, 8]);
  const evalRun = runs.find((x) => x.name === 'logs/train/eval');
  assert.deepEqual(evalRun?.metrics['eval/acc'], { count: 2, last: 0.75, lastStep: 1, min: 0.5, max: 0.75 });
  // The same data as the native run's metrics: comparable on one chart.
  const native = runs.find((x) => x.source === 'trackside');
  assert.deepEqual(await values(store, native?.id ?? '', 'loss'), [10, 9.5, 9]);
  await store.close();
});

test('a growing event file is tailed from its offset: a cut record waits, nothing is read twice', async (t) => {
  const r = root(t);
  const dir = join(r, 'live');
  const events = tensorboardEvents(3);
  const path = writeEventFile(dir, events);
  const store = await openStore({ roots: [r] });
  await store.index();
  const [run] = store.listRuns();
  assert.equal(run.status, 'running');
  assert.deepEqual(await values(store, run.id, 'loss'), [10, 9.5, 9]);

  const next = tfrecord(event({ wallTime: T0 + 3, step: 3, values: [scalarValue('loss', 8.5)] }));
  appendFileSync(path, next.subarray(0, 20));
  await store.index();
  assert.deepEqual(await values(store, run.id, 'loss'), [10, 9.5, 9]);
  appendFileSync(path, next.subarray(20));
  appendFileSync(path, tfrecord(event({ wallTime: T0 + 4, step: 4, values: [scalarValue('loss', 8), textValue('note', 'halfway')] })));
  const report = await store.index();
  assert.deepEqual(report.changedRuns, [run.id]);
  assert.deepEqual(await values(store, run.id, 'loss'), [10, 9.5, 9, 8.5, 8]);
  assert.equal(store.getRun(run.id)?.notes, 'note (step 4): halfway');

  // The hparams plugin's end info decides the status.
  appendFileSync(path, tfrecord(event({ wallTime: T0 + 5, values: [hparamsEndValue(2, T0 + 5)] })));
  await store.index();
  assert.equal(store.getRun(run.id)?.status, 'failed');
  assert.equal(store.getRun(run.id)?.endTime, (T0 + 5) * 1000);
  assert.deepEqual(store.diagnostics(), []);
  await store.close();
});

test('several event files in one folder are one run, read in the order of their times; windows split records', async (t) => {
  const r = root(t);
  const dir = join(r, 'resumed');
  const window = tailLimits.window;
  tailLimits.window = 100;
  t.after(() => (tailLimits.window = window));
  writeEventFile(dir, [event({ wallTime: T0 + 100, step: 5, values: [scalarValue('loss', 5)] })], eventFileName(T0 + 100));
  writeEventFile(dir, tensorboardEvents(3), eventFileName(T0));
  const store = await openStore({ roots: [r] });
  await store.index();
  const runs = store.listRuns();
  assert.equal(runs.length, 1);
  assert.deepEqual(await values(store, runs[0].id, 'loss'), [10, 9.5, 9, 5]);
  assert.equal(runs[0].metrics.loss.lastStep, 5);
  await store.close();
});

test('a bad checksum is a diagnostic with the file and byte offset; the records after it are kept', async (t) => {
  const r = root(t);
  const dir = join(r, 'damaged');
  mkdirSync(dir, { recursive: true });
  const bytes = eventFile(tensorboardEvents(4));
  // Flip a byte inside the third record's data (file_version and hparams come first).
  const first = 12 + new DataView(bytes.buffer).getUint32(0, true) + 4;
  const second = first + 12 + new DataView(bytes.buffer).getUint32(first, true) + 4;
  bytes[second + 14] ^= 0xff;
  const name = eventFileName();
  writeFileSync(join(dir, name), bytes);
  const store = await openStore({ roots: [r] });
  const report = await store.index();
  const [run] = store.listRuns();
  assert.deepEqual(await values(store, run.id, 'loss'), [9.5, 9, 8.5]);
  const d = report.diagnostics.find((x) => /checksum/.test(x.reason) || x.lines?.some((l) => /checksum/.test(l.reason)));
  assert.ok(d !== undefined, JSON.stringify(report.diagnostics));
  const reason = d.lines?.[0]?.reason ?? d.reason;
  assert.equal(reason, `${name} at byte ${second}: bad data checksum; record of ${new DataView(bytes.buffer).getUint32(second, true)} bytes skipped`);
  await store.close();
});

test('an empty event file is an empty run; a link out of the folder is not followed; garbage is reported', async (t) => {
  const r = root(t);
  mkdirSync(join(r, 'empty'), { recursive: true });
  writeFileSync(join(r, 'empty', eventFileName()), '');
  const outside = tempRoot();
  t.after(outside.cleanup);
  const secret = writeEventFile(outside.root, tensorboardEvents(2));
  mkdirSync(join(r, 'linked'), { recursive: true });
  writeEventFile(join(r, 'linked'), tensorboardEvents(1), eventFileName(T0, 'real'));
  symlinkSync(secret, join(r, 'linked', eventFileName(T0 + 1, 'link')));
  mkdirSync(join(r, 'junk'), { recursive: true });
  writeFileSync(join(r, 'junk', eventFileName()), 'this is not a TFRecord file at all, just text'.repeat(3));
  const store = await openStore({ roots: [r] });
  const report = await store.index();
  const byName = new Map(store.listRuns().map((x) => [x.name, x]));
  assert.deepEqual(byName.get('empty')?.metrics, {});
  assert.deepEqual(byName.get('linked')?.metrics.loss?.count, 1);
  const texts = report.diagnostics.flatMap((d) => [d.reason, ...(d.lines ?? []).map((l) => l.reason)]).join('\n');
  assert.match(texts, /is a symbolic link; not followed/);
  assert.match(texts, /at byte 0: bad length checksum/);
  assert.ok(statSync(secret).isFile());
  await store.close();
});

test('a large event file read in many small parts indexes the same points as in one', async (t) => {
  const r = root(t);
  // Keys that stop (early) and start (late) leave some parts without them: their buffers are dropped and made
  // again, while the others' are refilled part after part.
  const rows = (s: number): Record<string, number> => ({ loss: 10 - s / 1000, acc: s % 7, ...(s < 700 ? { early: s * 2 } : {}), ...(s >= 2600 ? { late: -s } : {}) });
  age(writeEventFile(join(r, 'logs', 'big'), tensorboardEvents(3000, { values: rows })));
  const read = async () => {
    const store = await openStore({ roots: [r] });
    const report = await store.index();
    const [run] = store.listRuns();
    const out = { points: report.points, metrics: run.metrics, startTime: run.startTime, updated: run.lastUpdate, series: {} as Record<string, number[]> };
    for (const key of ['loss', 'acc', 'early', 'late']) out.series[key] = await values(store, run.id, key);
    await store.close();
    return out;
  };
  const whole = await read();
  const saved = { flush: limits.flushPoints, window: tailLimits.window };
  limits.flushPoints = 500;
  tailLimits.window = 4096;
  t.after(() => {
    limits.flushPoints = saved.flush;
    tailLimits.window = saved.window;
  });
  const parts = await read();
  assert.deepEqual(parts, whole);
  assert.equal(whole.points, 3000 + 3000 + 700 + 400);
  assert.equal(whole.series.loss.length, 3000);
  assert.deepEqual(whole.series.early.slice(-2), [1396, 1398]);
  assert.deepEqual(whole.series.late.slice(0, 2), [-2600, -2601]);
  assert.equal(whole.metrics.acc.count, 3000);
});
