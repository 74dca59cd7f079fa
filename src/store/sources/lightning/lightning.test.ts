// Lightning's CSVLogger read in place, from folders written by test/fixtures/lightning.ts.
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openStore } from '../../runStore';
import type { RunStore } from '../../types';
import { lightningSource } from './source';
import { tempRoot } from '../../../../test/fixtures/logs';
import { CsvLoggerWriter } from '../../../../test/fixtures/lightning';

function fixture(t: { after: (fn: () => void) => void }) {
  const r = tempRoot();
  t.after(r.cleanup);
  return r.root;
}

async function series(store: RunStore, id: string, key: string): Promise<{ steps: number[]; values: number[] }> {
  const [s] = await store.series({ runIds: [id], keys: [key], points: 1e6 });
  return { steps: [...(s?.steps ?? [])], values: [...(s?.values ?? [])] };
}

const HPARAMS = 'lr: 0.01\nmodel:\n  depth: 4\n  act: relu\nbatch_size: 32\nargs: !!python/object:argparse.Namespace\n  seed: 3\n';

test('sparse columns become series by step; hparams.yaml the params; the log is tailed as it grows', async (t) => {
  const root = fixture(t);
  const w = new CsvLoggerWriter(root, 'lightning_logs', 3, HPARAMS);
  for (let s = 0; s < 4; s++) w.log({ train_loss: 10 - s, epoch: 0 }, s);
  w.save();
  const store = await openStore({ roots: [root], sources: [lightningSource], now: () => Date.now() + 3_600_000 });
  let report = await store.index();
  assert.deepEqual(report.diagnostics, []);
  const [run] = store.listRuns();
  assert.equal(run.source, 'lightning');
  assert.equal(run.name, 'lightning_logs/version_3');
  assert.equal(run.project, 'lightning_logs');
  assert.deepEqual(run.params, { lr: 0.01, 'model.depth': 4, 'model.act': 'relu', batch_size: 32, 'args.seed': 3 });
  assert.deepEqual(await series(store, run.id, 'train_loss'), { steps: [0, 1, 2, 3], values: [10, 9, 8, 7] });
  // Lightning records no end: quiet for long, the run is taken as finished, not crashed.
  assert.equal(run.status, 'finished');

  for (let s = 4; s < 6; s++) w.log({ train_loss: 10 - s, epoch: 1 }, s);
  w.save();
  report = await store.index();
  assert.deepEqual(report.changedRuns, [run.id]);
  assert.equal(report.points, 4, 'two new rows of train_loss and epoch');
  assert.deepEqual((await series(store, run.id, 'train_loss')).steps, [0, 1, 2, 3, 4, 5]);

  // A new metric: Lightning rewrites the file with a new header; read again from the start, no point twice.
  w.log({ val_acc: 0.5, epoch: 1 }, 5);
  w.save();
  await store.index();
  assert.deepEqual((await series(store, run.id, 'train_loss')).steps, [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(await series(store, run.id, 'val_acc'), { steps: [5], values: [0.5] });
  assert.deepEqual(store.metricKeys([run.id]), ['epoch', 'train_loss', 'val_acc']);
  await store.close();
});

test('bad rows are diagnostics with their line; the rest is kept', async (t) => {
  const root = fixture(t);
  const w = new CsvLoggerWriter(root, 'lightning_logs', 0);
  w.log({ loss: 1 }, 0);
  w.save();
  // The header is `loss,step`.
  appendFileSync(w.file, '2,oops\r\n"unclosed,1\r\n1,2,3\r\nx,4\r\n,5\r\n0.5,2\r\n');
  const store = await openStore({ roots: [root], sources: [lightningSource] });
  const report = await store.index();
  const [run] = store.listRuns();
  assert.deepEqual(await series(store, run.id, 'loss'), { steps: [0, 2], values: [1, 0.5] });
  const d = report.diagnostics.find((x) => x.file === join(w.dir, 'metrics.csv'));
  assert.deepEqual(d?.lines?.map((l) => [l.line, l.reason]).sort((a, b) => Number(a[0]) - Number(b[0])), [
    [3, 'metrics.csv: no step ("oops"); row skipped'],
    [4, 'metrics.csv: a quote is not closed; row skipped'],
    [5, 'metrics.csv: 3 fields where the header has 2; row skipped'],
    [6, 'metrics.csv: loss: not a number ("x")'],
  ]);
  await store.close();
});
