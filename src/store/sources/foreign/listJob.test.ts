// Runs of other tools listed on a parse worker (listJob.ts) list exactly as on the indexer's thread (listRun):
// the same files in the same order, sizes and mtimes, links reported and not followed, gone and unreadable runs.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ParsePool, poolStats } from '../../ingest/parsePool';
import { mlflowSource } from '../mlflow/source';
import { tempRoot } from '../../../../test/fixtures/logs';
import { MLFLOW_STATUS, writeExperiment, writeMlflowRun } from '../../../../test/fixtures/mlflow';

test('a run listed on a worker is listed as here: files, order, links, gone runs; with the workers closed, here', async (t) => {
  const { root, cleanup } = tempRoot();
  const mlruns = join(root, 'mlruns');
  writeExperiment(mlruns, '1', 'exp');
  const dirs: string[] = [];
  for (let r = 0; r < 40; r++) {
    const metrics: Record<string, Array<[number, number, number]>> = {};
    for (let k = 0; k < (r % 5) + 1; k++) metrics[k === 0 ? 'loss' : `deep/er/m${k}`] = [[1, r, 0], [2, k, 1]];
    dirs.push(writeMlflowRun(mlruns, { runId: `run${r}`, experimentId: '1', status: MLFLOW_STATUS.FINISHED, params: { lr: String(r) }, tags: { t: 'x' }, artifacts: { 'model.bin': 'x'.repeat(r) }, metrics }));
  }
  // Hostile runs: a link to a file outside, a link to a folder, a folder where a file should be, files the
  // format does not read, a run that is gone and a path that is a file.
  writeFileSync(join(root, 'secret'), 'outside');
  symlinkSync(join(root, 'secret'), join(dirs[1], 'params', 'linked'));
  symlinkSync(root, join(dirs[2], 'metrics', 'outside'));
  mkdirSync(join(dirs[3], 'params', 'folder'));
  writeFileSync(join(dirs[4], 'notes.txt'), 'not read');
  dirs.push(join(mlruns, '1', 'gone'), join(dirs[0], 'meta.yaml'));
  // A folder that cannot be listed (unless this runs as root, which lists it anyway: then both see it whole).
  const locked = join(dirs[5], 'tags');
  chmodSync(locked, 0o000);
  const pool = ParsePool.create(2);
  t.after(async () => {
    await pool?.close();
    chmodSync(locked, 0o755);
    cleanup();
  });

  const here = await Promise.all(dirs.map((d) => mlflowSource.scan!({ id: d, root, dir: d, log: join(d, 'meta.yaml'), source: mlflowSource })));
  assert.ok(pool !== undefined, 'this machine has parse workers');
  const listed = poolStats.runsListed;
  const there = await Promise.all(dirs.map((d) => mlflowSource.scan!({ id: d, root, dir: d, log: join(d, 'meta.yaml'), source: mlflowSource }, pool)));
  assert.equal(poolStats.runsListed - listed, dirs.length, 'every run was listed on a worker, none here after a failure');
  assert.deepEqual(there, here);
  assert.equal(here.filter((l) => l === undefined).length, 2, 'the gone run and the file are no runs');
  const linked = here[1];
  assert.ok(linked !== undefined && typeof linked !== 'string' && 'links' in linked);
  assert.deepEqual(linked.links, ['params/linked']);
  assert.ok(!linked.files.some((f) => f.rel === 'params/linked'));

  // Workers gone: the runs are listed here instead, the same.
  await pool.close();
  const after = poolStats.runsListed;
  assert.deepEqual(await Promise.all(dirs.map((d) => mlflowSource.scan!({ id: d, root, dir: d, log: join(d, 'meta.yaml'), source: mlflowSource }, pool))), here);
  assert.equal(poolStats.runsListed, after);
});
