// Sacred's FileStorageObserver read in place, from folders written by test/fixtures/sacred.ts.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openStore } from '../../runStore';
import type { RunStore } from '../../types';
import { tracksideSource } from '../trackside/source';
import { sacredSource } from './source';
import { tempRoot, writeLog } from '../../../../test/fixtures/logs';
import { simpleRun } from '../../../../test/fixtures/runs';
import { T0 } from '../../../../test/fixtures/records';
import { sacredRun, writeSacredRun } from '../../../../test/fixtures/sacred';

function fixture(t: { after: (fn: () => void) => void }) {
  const r = tempRoot();
  t.after(r.cleanup);
  return r.root;
}

async function open(root: string, now = (T0 + 60) * 1000): Promise<RunStore> {
  return openStore({ roots: [root], sources: [tracksideSource, sacredSource], now: () => now });
}

async function series(store: RunStore, id: string, key: string) {
  const [s] = await store.series({ runIds: [id], keys: [key], points: 1e6 });
  return { steps: [...(s?.steps ?? [])], values: [...(s?.values ?? [])], times: [...(s?.times ?? [])] };
}

test('a Sacred run reads as the same run its Trackside log would be, with its command for a rerun', async (t) => {
  const root = fixture(t);
  writeLog(root, 'native', simpleRun('native', 5, { status: 'finished' }));
  const dir = sacredRun(join(root, 'experiments', 'sacred'), '1', 5);
  writeFileSync(join(dir, 'model.pt'), 'artifact');
  const store = await open(root);
  const report = await store.index();
  assert.deepEqual(report.diagnostics, []);
  const [run] = store.listRuns({ text: 'mnist' });
  const s = store.getRun(run.id)!;
  const native = store.getRun('native')!;
  assert.equal(s.source, 'sacred');
  assert.equal(s.name, 'mnist #1');
  assert.equal(s.project, 'mnist');
  assert.equal(s.status, 'finished');
  assert.deepEqual(s.metrics, native.metrics);
  assert.deepEqual(await series(store, run.id, 'loss'), await series(store, 'native', 'loss'));
  assert.equal(s.startTime, native.startTime);
  assert.equal(s.endTime, native.endTime);
  assert.deepEqual(s.params, { lr: 0.1, 'model.depth': 4, 'model.act': 'relu', seed: 7 });
  assert.equal(s.gitCommit, 'deadbeef');
  assert.equal(s.env.hostname, 'box');
  assert.deepEqual(s.argv, ['/home/u/proj/train.py', 'main']);
  assert.equal(s.cwd, '/home/u/proj');
  assert.deepEqual(s.artifacts.map((a) => a.path).sort(), ['cout.txt', 'model.pt']);
  await store.close();
});

test('statuses, a failure trace, the heartbeat of a live run, updates on the command line', async (t) => {
  const root = fixture(t);
  const base = join(root, 'runs-sacred');
  const statuses = { '1': 'COMPLETED', '2': 'FAILED', '3': 'INTERRUPTED', '4': 'QUEUED', '5': 'RUNNING', '6': 'RUNNING' } as const;
  for (const [id, status] of Object.entries(statuses)) {
    writeSacredRun(base, { id, status, heartbeatMs: (T0 + (id === '6' ? -3600 : 50)) * 1000, updates: ['lr=0.5', 'model.depth=8'], failTrace: status === 'FAILED' ? ['Traceback (most recent call last):\n', '  File "train.py", line 3\n', 'ValueError: bad lr\n'] : undefined });
  }
  const store = await open(root);
  await store.index();
  const byName = Object.fromEntries(store.listRuns().map((r) => [r.name, r]));
  assert.deepEqual(Object.fromEntries(Object.entries(byName).map(([k, r]) => [k, r.status])), {
    'mnist #1': 'finished', 'mnist #2': 'failed', 'mnist #3': 'killed', 'mnist #4': 'running', 'mnist #5': 'running', 'mnist #6': 'crashed',
  });
  assert.deepEqual(byName['mnist #2'].error, { type: 'ValueError', message: 'bad lr', traceback: 'Traceback (most recent call last):\n  File "train.py", line 3\nValueError: bad lr\n' });
  assert.deepEqual(store.getRun(byName['mnist #1'].id)!.argv, ['/home/u/proj/train.py', 'main', 'with', 'lr=0.5', 'model.depth=8']);
  await store.close();
});

test('metrics.json rewritten at each heartbeat is read again whole, no point twice; bad JSON is a diagnostic', async (t) => {
  const root = fixture(t);
  const base = join(root, 'sacred');
  const points = (n: number) => ({ steps: [...Array(n).keys()], values: [...Array(n).keys()].map((s) => (s === 1 ? NaN : s)), times: [...Array(n).keys()].map((s) => (T0 + s) * 1000) });
  const dir = writeSacredRun(base, { id: '1', metrics: { loss: points(2) } });
  const store = await open(root);
  await store.index();
  const [run] = store.listRuns();
  assert.deepEqual((await series(store, run.id, 'loss')).values, [0, NaN]);
  writeSacredRun(base, { id: '1', metrics: { loss: points(4) } });
  await store.index();
  assert.deepEqual((await series(store, run.id, 'loss')).steps, [0, 1, 2, 3]);
  writeFileSync(join(dir, 'config.json'), '{\n  "lr": 0.1,\n  oops\n}');
  mkdirSync(join(dir, 'nested'));
  const report = await store.index();
  assert.equal(report.points, 0, 'metrics.json did not change: nothing read again');
  const d = report.diagnostics.find((x) => x.file === join(dir, 'run.json'));
  assert.equal(d?.line, 3);
  assert.match(d?.reason ?? '', /^config\.json at byte \d+: not valid JSON/);
  assert.deepEqual((await series(store, run.id, 'loss')).steps, [0, 1, 2, 3]);
  await store.close();
});
