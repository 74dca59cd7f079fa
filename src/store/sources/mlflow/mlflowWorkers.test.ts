// A fresh MLflow run's metric files parsed and sealed on parse workers (metricsJob.ts) give the run the indexer's
// thread gives it: the same points, summaries and bad lines; and a pass after it reads on from the worker's cursors.
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { poolStats } from '../../ingest/parsePool';
import { limits } from '../../index/indexRun';
import { openStore } from '../../runStore';
import type { IndexReport, RunStore } from '../../types';
import { mlflowSource } from './source';
import { tempRoot } from '../../../../test/fixtures/logs';
import { T0 } from '../../../../test/fixtures/records';
import { appendMetric, MLFLOW_STATUS, writeExperiment, writeMlflowRun } from '../../../../test/fixtures/mlflow';
import { prng } from '../../../../test/fixtures/prng';

const RUNS = ['r0', 'r1', 'r2', 'r3'];
const KEYS = ['loss', 'val/loss', 'acc', 'legacy'];

/** Runs with many points (values of 17 digits, specials, a pre-1.0 file without steps) and one bad line in r1's loss. */
function writeStore(mlruns: string): void {
  writeExperiment(mlruns, '1', 'exp');
  const rand = prng(7);
  for (const id of RUNS) {
    const metrics: Record<string, Array<[number, number, number?]>> = {};
    for (const key of KEYS) {
      const points: Array<[number, number, number?]> = [];
      for (let s = 0; s < 700; s++) {
        const v = s % 97 === 5 ? NaN : s % 131 === 7 ? -Infinity : rand() * 10 ** Math.floor(rand() * 8 - 4);
        points.push(key === 'legacy' ? [(T0 + s) * 1000, v] : [(T0 + s) * 1000, v, s]);
      }
      metrics[key] = points;
    }
    writeMlflowRun(mlruns, { runId: id, experimentId: '1', status: MLFLOW_STATUS.FINISHED, startTime: T0 * 1000, endTime: (T0 + 700) * 1000, name: `n-${id}`, params: { lr: '0.01', optimizer: 'adam' }, tags: { team: 'core', 'mlflow.source.name': 'train.py' }, metrics });
  }
  // Line 301 of r1's loss: text where a value should be.
  const loss = join(mlruns, '1', 'r1', 'metrics', 'loss');
  const lines = readFileSync(loss, 'utf8').split('\n');
  lines.splice(300, 0, `${(T0 + 300) * 1000} oops 300`);
  writeFileSync(loss, lines.join('\n'));
}

async function open(root: string): Promise<RunStore> {
  return openStore({ roots: [root], sources: [mlflowSource], dbPath: join(root, 'index', 'index.db'), now: () => (T0 + 800) * 1000 });
}

async function everything(store: RunStore) {
  const out: Record<string, unknown> = {};
  for (const id of RUNS) {
    const run = store.getRun(id)!;
    const series = await store.series({ runIds: [id], keys: KEYS, points: 1e6 });
    out[id] = {
      metrics: run.metrics, startTime: run.startTime, endTime: run.endTime, status: run.status, params: run.params, name: run.name, tags: run.tags, argv: run.argv,
      series: series.map((s) => ({ key: s.key, steps: [...s.steps], times: [...s.times], values: [...s.values] })).sort((a, b) => a.key.localeCompare(b.key)),
    };
  }
  return out;
}

function badLines(report: IndexReport) {
  return report.diagnostics.flatMap((d) => (d.lines ?? [{ line: d.line, reason: d.reason }]).map((l) => ({ file: d.file, line: l.line, reason: l.reason })));
}

function withLimits(t: { after: (fn: () => void) => void }, workerRuns: number, flushPoints = limits.flushPoints): void {
  const saved = { ...limits };
  limits.workerRuns = workerRuns;
  limits.flushPoints = flushPoints;
  t.after(() => Object.assign(limits, saved));
}

for (const flushPoints of [1 << 20, 500]) {
  test(`metric files parsed on workers give the points, summaries and bad lines of the indexer's thread (parts of ${flushPoints} points)`, async (t) => {
    const a = tempRoot();
    const b = tempRoot();
    t.after(a.cleanup);
    t.after(b.cleanup);
    writeStore(join(a.root, 'mlruns'));
    cpSync(join(a.root, 'mlruns'), join(b.root, 'mlruns'), { recursive: true, preserveTimestamps: true });

    withLimits(t, Infinity, flushPoints);
    const here = await open(a.root);
    const hereReport = await here.index();
    const parts = poolStats.partsReceived;
    limits.workerRuns = 1;
    const pooled = await open(b.root);
    const pooledReport = await pooled.index();
    // Every run's metric files went through a worker, in more than one part when the parts are small.
    assert.ok(poolStats.partsReceived - parts >= (flushPoints < 1000 ? RUNS.length * 2 : RUNS.length));
    assert.deepEqual(await everything(pooled), await everything(here));
    // Params and tags read on the worker too.
    const r0 = pooled.getRun('r0')!;
    assert.deepEqual([r0.params.lr, r0.params.optimizer, r0.name, r0.tags], [0.01, 'adam', 'n-r0', ['team=core']]);
    assert.deepEqual(r0.argv, ['train.py']);
    assert.equal(pooledReport.points, hereReport.points);
    assert.equal(pooledReport.points, RUNS.length * KEYS.length * 700);

    // The bad line: its file and line, and nothing else of the run lost.
    const said = badLines(pooledReport);
    assert.deepEqual(said.map((d) => [d.file, d.line]), [[join(b.root, 'mlruns', '1', 'r1', 'meta.yaml'), 301]]);
    assert.match(said[0].reason, /^metrics\/loss at byte \d+: not "timestamp value step": ".*oops 300"$/);
    assert.deepEqual(badLines(hereReport).map((d) => [d.line, d.reason.replace(a.root, b.root)]), said.map((d) => [d.line, d.reason]));
    assert.equal(pooled.getRun('r1')!.metrics.loss.count, 700);
    await here.close();
    await pooled.close();
  });
}

test('a metric file appended to after a worker read it is read on from where the worker stopped', async (t) => {
  const r = tempRoot();
  t.after(r.cleanup);
  const mlruns = join(r.root, 'mlruns');
  writeStore(mlruns);
  withLimits(t, 1);
  const store = await open(r.root);
  const parts = poolStats.partsReceived;
  await store.index();
  assert.ok(poolStats.partsReceived > parts);
  const before = (await store.series({ runIds: ['r2'], keys: ['loss'], points: 1e6 }))[0];
  assert.equal(before.steps.length, 700);
  // A half-written line is left for the next pass; complete ones are read once each.
  const dir = join(mlruns, '1', 'r2');
  appendMetric(dir, 'loss', (T0 + 700) * 1000, 0.125, 700);
  appendFileSync(join(dir, 'metrics', 'loss'), `${(T0 + 701) * 1000} 0.2`);
  const second = await store.index();
  assert.deepEqual(second.changedRuns, ['r2']);
  assert.equal(second.points, 1);
  appendFileSync(join(dir, 'metrics', 'loss'), '5 701\n');
  const third = await store.index();
  assert.equal(third.points, 1);
  assert.deepEqual(badLines(third), []);
  const after = (await store.series({ runIds: ['r2'], keys: ['loss'], points: 1e6 }))[0];
  assert.deepEqual([...after.steps], [...before.steps, 700, 701]);
  assert.deepEqual([...after.values].slice(-2), [0.125, 0.25]);
  assert.equal(store.getRun('r2')!.metrics.loss.count, 702);
  await store.close();
});
