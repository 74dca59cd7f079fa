// W&B run folders through the real store: the record log (written as datastore.py writes it, around
// wandb_internal.Record messages) and the files beside it become a run with W&B's name, project, config, history,
// summary, command and exit status; a live log is tailed; damage is reported with the file and byte offset.
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempRoot, writeLog } from '../../../../test/fixtures/logs';
import { T0 } from '../../../../test/fixtures/records';
import { simpleRun } from '../../../../test/fixtures/runs';
import { exitRecord, historyRecord, recordLog, statsRecord, wandbRecords, writeWandbRun } from '../../../../test/fixtures/wandb';
import { openStore } from '../../runStore';
import type { RunStore } from '../../types';

function root(t: { after: (fn: () => void) => void }): string {
  const r = tempRoot();
  t.after(r.cleanup);
  return r.root;
}

async function values(store: RunStore, id: string, key: string): Promise<number[]> {
  const [s] = await store.series({ runIds: [id], keys: [key], points: 1e6 });
  return s === undefined ? [] : [...s.values];
}

const texts = (store: RunStore) => store.diagnostics().flatMap((d) => [d.reason, ...(d.lines ?? []).map((l) => l.reason)]).join('\n');

test('finished, failed and killed W&B runs list beside a Trackside run with their params, metrics and command', async (t) => {
  const r = root(t);
  writeLog(r, 'native', simpleRun('native', 5, { status: 'finished' }));
  writeWandbRun(r, 'aaa111', { exitCode: 0, lr: 0.01 });
  writeWandbRun(r, 'bbb222', { exitCode: 1, offline: true, name: 'broken' });
  writeWandbRun(r, 'ccc333', { exitCode: 255, name: 'stopped' });
  const store = await openStore({ roots: [r] });
  const report = await store.index();
  assert.deepEqual(report.diagnostics, []);
  const runs = store.listRuns();
  assert.deepEqual(runs.map((x) => [x.source, x.name, x.status]).sort(), [
    ['trackside', 'name-native', 'finished'],
    ['wandb', 'broken', 'failed'],
    ['wandb', 'name-aaa111', 'finished'],
    ['wandb', 'stopped', 'killed'],
  ]);
  const a = runs.find((x) => x.name === 'name-aaa111');
  assert.ok(a !== undefined);
  assert.equal(a.project, 'proj');
  assert.deepEqual(a.tags, ['base']);
  assert.deepEqual(a.params, { lr: 0.01, 'model.depth': 4, 'model.act': 'relu' });
  assert.deepEqual(a.metrics.loss, { count: 5, last: 8, lastStep: 4, min: 8, max: 10 });
  assert.deepEqual(a.summary, { loss: 8, acc: 0.4 });
  assert.equal(a.startTime, T0 * 1000);
  assert.equal(a.gitCommit, 'abc123');
  const detail = store.getRun(a.id);
  assert.deepEqual(detail?.argv, ['train.py', '--lr', '0.01']);
  assert.equal(detail?.env.hostname, 'host1');
  assert.equal(detail?.env.python?.version, '3.11.2');
  assert.equal(detail?.exitCode, 0);
  // The same series as the native run of the same data.
  const native = runs.find((x) => x.source === 'trackside');
  assert.deepEqual(await values(store, a.id, 'loss'), await values(store, native?.id ?? '', 'loss'));
  await store.close();
});

test('a live record log is tailed: a record cut mid-write waits, the exit record ends the run', async (t) => {
  const r = root(t);
  const records = wandbRecords('live1', { steps: 3 });
  const dir = writeWandbRun(r, 'live1', { steps: 3 }, records);
  const log = join(dir, 'run-live1.wandb');
  const store = await openStore({ roots: [r] });
  await store.index();
  const [run] = store.listRuns();
  assert.equal(run.status, 'running');
  assert.deepEqual(await values(store, run.id, 'loss'), [10, 9.5, 9]);

  // Rewrite the log as the writer would continue it, and append it in two halves.
  const more = [historyRecord([['loss', 8.5], ['_step', 3], ['_timestamp', T0 + 3]], 3), statsRecord(T0 + 3, [['cpu', 50]]), exitRecord(0, 4)];
  const whole = recordLog([...records, ...more]);
  const before = readFileSync(log).length;
  const cut = before + 20;
  appendFileSync(log, whole.subarray(before, cut));
  await store.index();
  assert.deepEqual(await values(store, run.id, 'loss'), [10, 9.5, 9]);
  appendFileSync(log, whole.subarray(cut));
  await store.index();
  const after = store.getRun(run.id);
  assert.equal(after?.status, 'finished');
  assert.deepEqual(await values(store, run.id, 'loss'), [10, 9.5, 9, 8.5]);
  assert.deepEqual(await values(store, run.id, 'system/cpu'), [50]);
  assert.equal(texts(store), '');
  await store.close();
});

test('a bad chunk checksum is reported with its offset; a bad header stops only that log; links are not followed', async (t) => {
  const r = root(t);
  const dir = writeWandbRun(r, 'dmg1', { exitCode: 0, steps: 4 });
  const log = join(dir, 'run-dmg1.wandb');
  const bytes = readFileSync(log);
  // The third record (the first history row): flip a byte of its data.
  const recordAt = (n: number) => {
    let at = 7;
    for (let i = 0; i < n; i++) at += 7 + bytes.readUInt16LE(at + 4);
    return at;
  };
  const third = recordAt(2);
  bytes[third + 10] ^= 0xff;
  writeFileSync(log, bytes);
  const bad = writeWandbRun(r, 'hdr1', { exitCode: 0 });
  writeFileSync(join(bad, 'run-hdr1.wandb'), 'not a wandb log');
  const outside = tempRoot();
  t.after(outside.cleanup);
  writeFileSync(join(outside.root, 'secret.json'), JSON.stringify({ leaked: 1 }));
  const linked = writeWandbRun(r, 'lnk1', { exitCode: 0 });
  rmSync(join(linked, 'files', 'wandb-summary.json'));
  symlinkSync(join(outside.root, 'secret.json'), join(linked, 'files', 'wandb-summary.json'));

  const store = await openStore({ roots: [r] });
  await store.index();
  const byName = new Map(store.listRuns().map((x) => [x.name, x]));
  // The rest of the first block is lost to the damaged chunk (history, summary and exit all sat in it); the run
  // record before the damage and the files beside the log remain.
  const damaged = byName.get('name-dmg1');
  assert.ok(damaged !== undefined);
  assert.deepEqual(damaged.params, { lr: 0.1, 'model.depth': 4, 'model.act': 'relu' });
  const all = texts(store);
  assert.match(all, new RegExp(`run-dmg1\\.wandb at byte ${third}: bad chunk checksum; the rest of the block skipped`));
  assert.match(all, /run-hdr1\.wandb at byte 0: no ":W&B" header/);
  assert.match(all, /wandb-summary\.json: is a symbolic link; not followed/);
  assert.deepEqual(byName.get('name-lnk1')?.summary.leaked, undefined);
  await store.close();
});

test('a run folder whose record log is gone or empty still gives its config, summary and command from files/', async (t) => {
  const r = root(t);
  const dir = writeWandbRun(r, 'nolog1', { exitCode: 0, lr: 0.5 });
  rmSync(join(dir, 'run-nolog1.wandb'));
  // And one whose log is still empty (W&B has not written its header yet): a run, no complaint.
  const empty = writeWandbRun(r, 'empty1', { lr: 0.2 });
  writeFileSync(join(empty, 'run-empty1.wandb'), '');
  const store = await openStore({ roots: [r] });
  await store.index();
  const byName = new Map(store.listRuns().map((x) => [x.name, x]));
  assert.deepEqual(byName.get('empty1')?.params, { lr: 0.2, 'model.depth': 4, 'model.act': 'relu' });
  assert.equal(byName.get('empty1')?.status, 'running');
  const run = byName.get('nolog1');
  assert.ok(run !== undefined);
  assert.equal(run.source, 'wandb');
  assert.deepEqual(run.params, { lr: 0.5, 'model.depth': 4, 'model.act': 'relu' });
  assert.deepEqual(run.summary, { loss: 8, acc: 0.4 });
  assert.deepEqual(store.getRun(run.id)?.argv, ['train.py', '--lr', '0.5']);
  assert.equal(texts(store), '');
  await store.close();
});
