// MLflow's file store read in place, from folders written by test/fixtures/mlflow.ts (MLflow's public layout).
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openStore } from '../../runStore';
import type { RunStore } from '../../types';
import { tracksideSource } from '../trackside/source';
import { mlflowSource } from './source';
import { tempRoot, writeLog } from '../../../../test/fixtures/logs';
import { simpleRun } from '../../../../test/fixtures/runs';
import { T0 } from '../../../../test/fixtures/records';
import { appendMetric, MLFLOW_STATUS, mlflowRun, writeExperiment, writeMlflowRun } from '../../../../test/fixtures/mlflow';

function fixture(t: { after: (fn: () => void) => void }) {
  const r = tempRoot();
  t.after(r.cleanup);
  return { root: r.root, mlruns: join(r.root, 'project', 'mlruns') };
}

async function open(root: string): Promise<RunStore> {
  return openStore({ roots: [root], sources: [tracksideSource, mlflowSource], now: () => (T0 + 60) * 1000 });
}

async function values(store: RunStore, id: string, key: string): Promise<{ steps: number[]; values: number[]; times: number[] }> {
  const [s] = await store.series({ runIds: [id], keys: [key], points: 1e6 });
  return { steps: [...(s?.steps ?? [])], values: [...(s?.values ?? [])], times: [...(s?.times ?? [])] };
}

test('an MLflow run reads as the same run its Trackside log would be', async (t) => {
  const { root, mlruns } = fixture(t);
  writeExperiment(mlruns, '0', 'Default');
  writeLog(root, 'native', simpleRun('native', 6, { status: 'finished', lr: 0.01 }));
  mlflowRun(mlruns, 'a1b2c3', 6, { status: 'finished', lr: 0.01 });
  const store = await open(root);
  await store.index();
  const native = store.getRun('native')!;
  const m = store.getRun('a1b2c3')!;
  assert.equal(m.source, 'mlflow');
  assert.equal(native.source, 'trackside');
  assert.equal(m.name, 'name-a1b2c3');
  assert.equal(m.project, 'Default');
  assert.equal(m.status, 'finished');
  assert.equal(m.readOnly, true);
  assert.deepEqual(m.params, native.params);
  assert.deepEqual(m.metrics, native.metrics);
  assert.equal(m.startTime, native.startTime);
  assert.equal(m.endTime, native.endTime);
  assert.deepEqual(await values(store, 'a1b2c3', 'loss'), await values(store, 'native', 'loss'));
  await store.close();
});

test('statuses, both meta.yaml layouts, system tags, parents, artifacts and nested keys', async (t) => {
  const { root, mlruns } = fixture(t);
  writeExperiment(mlruns, '3', 'vision');
  const runs: Array<[string, number]> = [['r1', MLFLOW_STATUS.RUNNING], ['r2', MLFLOW_STATUS.SCHEDULED], ['r3', MLFLOW_STATUS.FINISHED], ['r4', MLFLOW_STATUS.FAILED], ['r5', MLFLOW_STATUS.KILLED]];
  for (const [id, status] of runs) writeMlflowRun(mlruns, { runId: id, experimentId: '3', status, startTime: (T0 + 50) * 1000, name: id });
  writeMlflowRun(mlruns, {
    runId: 'old1',
    experimentId: '3',
    layout: 'old',
    name: 'from the tag',
    status: MLFLOW_STATUS.FINISHED,
    endTime: (T0 + 9) * 1000,
    params: { lr: '0.001', optimizer: 'adam', layers: '012' },
    tags: { 'mlflow.parentRunId': 'r3', 'mlflow.source.git.commit': 'abc123', 'mlflow.user': 'bob', 'mlflow.note.content': 'a note', team: 'core', flag: '' },
    metrics: { 'train/loss': [[T0 * 1000, 0.5, 0], [(T0 + 1) * 1000, 0.25, 1]], legacy: [[T0 * 1000, 7]] },
    artifacts: { 'model/weights.txt': 'w', 'plot.png': 'p' },
  });
  writeMlflowRun(mlruns, { runId: 'gone', experimentId: '3', lifecycle: 'deleted', name: 'deleted' });
  const store = await open(root);
  const report = await store.index();
  assert.deepEqual(report.diagnostics, []);
  const status = Object.fromEntries(store.listRuns().map((r) => [r.id, r.status]));
  assert.deepEqual(status, { r1: 'running', r2: 'running', r3: 'finished', r4: 'failed', r5: 'killed', old1: 'finished' });
  const old = store.getRun('old1')!;
  assert.equal(old.name, 'from the tag');
  assert.equal(old.project, 'vision');
  assert.equal(old.parent, 'r3');
  assert.equal(old.gitCommit, 'abc123');
  assert.equal(old.notes, 'a note');
  assert.equal(old.env.user, 'bob');
  assert.deepEqual(old.tags.sort(), ['flag', 'team=core']);
  assert.deepEqual(old.params, { lr: 0.001, optimizer: 'adam', layers: '012' });
  assert.deepEqual(old.artifacts.map((a) => a.path).sort(), ['artifacts/model/weights.txt', 'artifacts/plot.png']);
  assert.deepEqual(store.metricKeys(['old1']), ['legacy', 'train/loss']);
  assert.deepEqual((await values(store, 'old1', 'legacy')).steps, [0]);
  assert.deepEqual(await values(store, 'old1', 'train/loss'), { steps: [0, 1], values: [0.5, 0.25], times: [T0 * 1000, (T0 + 1) * 1000] });
  await store.close();
});

test('metric files are tailed as they grow; a run deleted in MLflow leaves the tree', async (t) => {
  const { root, mlruns } = fixture(t);
  writeExperiment(mlruns, '0', 'Default');
  const dir = mlflowRun(mlruns, 'live', 3);
  const store = await open(root);
  await store.index();
  assert.equal(store.getRun('live')?.status, 'running');
  appendMetric(dir, 'loss', (T0 + 3) * 1000, 8.5, 3);
  appendFileSync(join(dir, 'metrics', 'loss'), `${(T0 + 4) * 1000} 8.0`);
  let report = await store.index();
  assert.deepEqual(report.changedRuns, ['live']);
  assert.equal(report.points, 1, 'only the new complete line is read');
  assert.deepEqual((await values(store, 'live', 'loss')).values, [10, 9.5, 9, 8.5]);
  appendFileSync(join(dir, 'metrics', 'loss'), ' 4\n');
  report = await store.index();
  assert.equal(report.points, 1);
  assert.deepEqual((await values(store, 'live', 'loss')).steps, [0, 1, 2, 3, 4]);
  assert.deepEqual((await values(store, 'live', 'acc')).steps, [0, 1, 2]);
  report = await store.index();
  assert.deepEqual(report.changedRuns, []);
  writeFileSync(join(dir, 'meta.yaml'), writeFileSyncMeta(dir));
  report = await store.index();
  assert.deepEqual(report.removedRuns, ['live']);
  assert.deepEqual(store.listRuns(), []);
  await store.close();
});

function writeFileSyncMeta(dir: string): string {
  return `artifact_uri: ${join(dir, 'artifacts')}\nexperiment_id: '0'\nlifecycle_stage: deleted\nrun_id: live\nrun_uuid: live\nstatus: 1\n`;
}

test('bad input: text in a metric file, a YAML bomb, an artifact_uri elsewhere, a link out, a 2 GB param file', async (t) => {
  const { root, mlruns } = fixture(t);
  writeExperiment(mlruns, '0', 'Default');
  const outside = tempRoot();
  t.after(outside.cleanup);
  writeFileSync(join(outside.root, 'secret'), `${T0 * 1000} 42 0\n`);
  const dir = writeMlflowRun(mlruns, {
    runId: 'bad',
    name: 'bad',
    status: MLFLOW_STATUS.FINISHED,
    artifactUri: `file://${outside.root}`,
    metrics: { loss: [[T0 * 1000, 1, 0]] },
    params: { ok: '1' },
  });
  appendFileSync(join(dir, 'metrics', 'loss'), 'oops not a number\n' + `${(T0 + 2) * 1000} 0.5 2\n`);
  symlinkSync(join(outside.root, 'secret'), join(dir, 'metrics', 'leak'));
  truncateSync(join(dir, 'params', 'ok'), 0);
  writeFileSync(join(dir, 'params', 'huge'), '');
  truncateSync(join(dir, 'params', 'huge'), 2 ** 31);
  const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
  for (let i = 1; i < 9; i++) bomb.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)}]`);
  const other = writeMlflowRun(mlruns, { runId: 'bomb', metrics: { acc: [[T0 * 1000, 0.5, 0]] } });
  writeFileSync(join(other, 'meta.yaml'), bomb.join('\n') + '\n');
  const store = await open(root);
  const report = await store.index();
  const bad = store.getRun('bad')!;
  assert.deepEqual((await values(store, 'bad', 'loss')).values, [1, 0.5]);
  assert.deepEqual(store.metricKeys(['bad']), ['loss']);
  assert.equal(bad.artifacts.length, 0);
  const reasons: Array<{ line?: number; reason: string }> = report.diagnostics.filter((d) => d.file === join(dir, 'meta.yaml')).flatMap((d): Array<{ line?: number; reason: string }> => d.lines ?? [d]);
  const text = JSON.stringify(reasons);
  assert.match(text, /metrics\/loss at byte \d+: not \\"timestamp value step\\"/);
  assert.ok(reasons.some((l) => l.line === 2 && /metrics\/loss/.test(l.reason)), text);
  assert.match(text, /metrics\/leak: is a symbolic link; not followed/);
  assert.match(text, /artifact_uri .* is outside the run folder; not followed/);
  assert.match(text, /params\/huge: 2048 MB is more than/);
  // The bomb: a diagnostic, the run's metrics still read.
  assert.deepEqual((await values(store, 'bomb', 'acc')).values, [0.5]);
  const bombNote = report.diagnostics.find((d) => d.file === join(other, 'meta.yaml'));
  assert.match(JSON.stringify(bombNote), /meta\.yaml: not read \(.*alias/i);
  await store.close();
});

test('a run folder holding a symlinked run is not followed out of the scan folder', async (t) => {
  const { root, mlruns } = fixture(t);
  writeExperiment(mlruns, '0', 'Default');
  const outside = tempRoot();
  t.after(outside.cleanup);
  mlflowRun(join(outside.root, 'mlruns'), 'elsewhere', 2);
  mkdirSync(join(mlruns, '0'), { recursive: true });
  symlinkSync(join(outside.root, 'mlruns', '0', 'elsewhere'), join(mlruns, '0', 'elsewhere'));
  const store = await open(root);
  await store.index();
  assert.deepEqual(store.listRuns(), []);
  await store.close();
});

test("a run whose experiment has no meta.yaml is filed under the experiment's id", async (t) => {
  const { root, mlruns } = fixture(t);
  mlflowRun(mlruns, 'lonely', 1, { experimentId: '7' });
  const store = await open(root);
  await store.index();
  assert.equal(store.getRun('lonely')?.project, 'experiment 7');
  await store.close();
});
