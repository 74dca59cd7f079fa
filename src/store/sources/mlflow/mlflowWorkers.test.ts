// A fresh MLflow run's metric files parsed and sealed on parse workers (metricsJob.ts) give the run the indexer's
// thread gives it: the same points, summaries and bad lines; and a pass after it reads on from the worker's cursors.
import assert from 'node:assert/strict';
import { appendFileSync, cpSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
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
    const listed = poolStats.runsListed;
    limits.workerRuns = 1;
    const pooled = await open(b.root);
    const pooledReport = await pooled.index();
    // Every run's metric files went through a worker, in more than one part when the parts are small.
    assert.ok(poolStats.partsReceived - parts >= (flushPoints < 1000 ? RUNS.length * 2 : RUNS.length));
    // And every run was listed there.
    assert.equal(poolStats.runsListed - listed, RUNS.length);
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

/**
 * Metric files of every shape a worker reads in one go or in batches: empty, no line ended, a cut last line, under
 * the 256 bytes of a fingerprint, and one past the 4 MB read at once (with a bad line beyond its first window).
 */
function writeShapes(mlruns: string): void {
  writeExperiment(mlruns, '1', 'exp');
  const line = (s: number, v: number) => `${(T0 + s) * 1000} ${v} ${s}\n`;
  const big: string[] = [];
  for (let s = 0; s < 130_000; s++) big.push(s === 120_000 ? `${(T0 + s) * 1000} text ${s}\n` : line(s, s / 7));
  writeMlflowRun(mlruns, { runId: 'shapes', experimentId: '1', status: MLFLOW_STATUS.FINISHED, startTime: T0 * 1000, metrics: {} });
  const m = join(mlruns, '1', 'shapes', 'metrics');
  writeFileSync(join(m, 'empty'), '');
  writeFileSync(join(m, 'unended'), `${T0 * 1000} 1.5 0`);
  writeFileSync(join(m, 'cut'), line(0, 0.5) + line(1, 0.25) + `${(T0 + 2) * 1000} 0.1`);
  writeFileSync(join(m, 'tiny'), line(0, 2));
  writeFileSync(join(m, 'big'), big.join(''));
  assert.ok(big.join('').length > 4 << 20);
}

test("a worker's cursors are the indexer thread's: appended lines and bad lines alike, a rewrite noticed", async (t) => {
  const a = tempRoot();
  const b = tempRoot();
  t.after(a.cleanup);
  t.after(b.cleanup);
  writeShapes(join(a.root, 'mlruns'));
  cpSync(join(a.root, 'mlruns'), join(b.root, 'mlruns'), { recursive: true, preserveTimestamps: true });
  withLimits(t, Infinity);
  const here = await open(a.root);
  const reports: IndexReport[][] = [[], []];
  reports[0].push(await here.index());
  limits.workerRuns = 1;
  const parts = poolStats.partsReceived;
  const pooled = await open(b.root);
  reports[1].push(await pooled.index());
  assert.ok(poolStats.partsReceived > parts);
  const keys = ['empty', 'unended', 'cut', 'tiny', 'big'];
  const all = async (store: RunStore) => (await store.series({ runIds: ['shapes'], keys, points: 1e7 })).map((s) => ({ key: s.key, steps: [...s.steps], values: [...s.values] })).sort((x, y) => x.key.localeCompare(y.key));
  for (const [i, root] of [a.root, b.root].entries()) {
    const m = join(root, 'mlruns', '1', 'shapes', 'metrics');
    // Ends the cut and unended lines, then one good line and one bad in every file.
    for (const key of keys) appendFileSync(join(m, key), `${key === 'cut' || key === 'unended' ? '' : `${(T0 + 1) * 1000} 0.5 1`}\n${(T0 + 9) * 1000} 9 9\nbad ${key}\n`);
    reports[i].push(await (i === 0 ? here : pooled).index());
  }
  // Sorted: each copy's folders list their files in their own order.
  const lines = (r: IndexReport, root: string) => badLines(r).map((d) => `${d.line} ${d.reason.replace(root, '')}`).sort();
  assert.deepEqual(lines(reports[1][0], b.root), lines(reports[0][0], a.root));
  assert.deepEqual(lines(reports[1][1], b.root), lines(reports[0][1], a.root));
  assert.equal(reports[1][1].points, reports[0][1].points);
  assert.ok(lines(reports[1][0], b.root).some((l) => l.startsWith('120001 metrics/big')));
  assert.deepEqual(await all(pooled), await all(here));
  // The tiny file rewritten with other first bytes, longer than what was read of it: read again from its start.
  for (const [i, root] of [a.root, b.root].entries()) {
    writeFileSync(join(root, 'mlruns', '1', 'shapes', 'metrics', 'tiny'), `${(T0 + 5) * 1000} 3 5\n`.repeat(10));
    await (i === 0 ? here : pooled).index();
  }
  const tiny = (await all(pooled)).find((s) => s.key === 'tiny')!;
  assert.ok(tiny.values.length > 0 && tiny.values.every((v) => v === 3));
  assert.deepEqual(await all(pooled), await all(here));
  await here.close();
  await pooled.close();
});

test('a pass that lists the next batch of runs while it reads this one finds what a pass listing one batch at a time finds', async (t) => {
  // Past two batches of STAT_BATCH (256) runs, with bad inputs in the later batches: a deleted run, a meta.yaml
  // that is no YAML, a metric file with text in it, a metric file that is a symlink out of the run.
  const a = tempRoot();
  const b = tempRoot();
  t.after(a.cleanup);
  t.after(b.cleanup);
  const outside = join(a.root, 'outside');
  writeFileSync(outside, `${T0 * 1000} 1 0\n`);
  const mlruns = join(a.root, 'mlruns');
  writeExperiment(mlruns, '1', 'exp');
  const ids: string[] = [];
  for (let r = 0; r < 600; r++) {
    const id = `run${String(r).padStart(4, '0')}`;
    ids.push(id);
    const dir = writeMlflowRun(mlruns, {
      runId: id, experimentId: '1', name: `n${r}`, status: MLFLOW_STATUS.FINISHED, startTime: T0 * 1000, lifecycle: r === 300 ? 'deleted' : 'active',
      params: { lr: String(r / 1000) }, tags: { team: `t${r % 3}` },
      metrics: { loss: [[T0 * 1000, r, 0], [(T0 + 1) * 1000, r / 2, 1]] },
    });
    if (r === 400) writeFileSync(join(dir, 'meta.yaml'), 'run_id: [unclosed\n');
    if (r === 500) appendFileSync(join(dir, 'metrics', 'loss'), `${(T0 + 2) * 1000} text 2\n`);
    if (r === 550) symlinkSync(outside, join(dir, 'metrics', 'outside'));
  }
  cpSync(mlruns, join(b.root, 'mlruns'), { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
  withLimits(t, Infinity);
  const oneByOne = await open(a.root);
  const oneReport = await oneByOne.index();
  limits.workerRuns = 1;
  const ahead = await open(b.root);
  const aheadReport = await ahead.index();
  const seen = (store: RunStore) => store.listRuns().map((r) => ({ id: r.id, name: r.name, status: r.status, params: r.params, tags: r.tags, metrics: r.metrics }));
  const said = (report: IndexReport, root: string) => badLines(report).map((d) => [d.file.replace(root, ''), d.line, d.reason.replace(root, '')]).sort((x, y) => String(x).localeCompare(String(y)));
  assert.deepEqual(seen(ahead), seen(oneByOne));
  assert.equal(ahead.listRuns().length, 599);
  assert.ok(!ahead.listRuns().some((r) => r.id === 'run0300'));
  assert.deepEqual(said(aheadReport, b.root), said(oneReport, a.root));
  const reasons = said(aheadReport, b.root).map((d) => String(d[2])).join('\n');
  assert.match(reasons, /not "timestamp value step"/);
  assert.match(reasons, /symbolic link; not followed/);
  assert.ok(said(aheadReport, b.root).some((d) => String(d[0]).includes('run0400')));
  assert.equal(aheadReport.points, oneReport.points);
  const series = async (store: RunStore) => (await store.series({ runIds: ids, keys: ['loss'], points: 100 })).map((s) => ({ run: s.runId, steps: [...s.steps], values: [...s.values] }));
  assert.deepEqual(await series(ahead), await series(oneByOne));
  await oneByOne.close();
  await ahead.close();
});
