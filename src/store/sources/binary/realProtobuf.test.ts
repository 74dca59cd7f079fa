// Cross-check against Google's protobuf encoder: protoc compiles our subset .proto files (written from the
// public definitions, test/fixtures/protos/), Debian's python3-protobuf encodes a TensorBoard event file and a
// W&B record log with them (test/fixtures/protobuf_writer.py), and the store reads both. This catches what a
// fixture writer of our own could get wrong the same way as our reader (packed fields, map entries, negative
// int64, google.protobuf.Value and Timestamp). Needs `protobuf-compiler` and `python3-protobuf` (.ci/run).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempRoot } from '../../../../test/fixtures/logs';
import { T0 } from '../../../../test/fixtures/records';
import { openStore } from '../../runStore';
import type { RunStore } from '../../types';

const FIXTURES = join(__dirname, '..', '..', '..', '..', 'test', 'fixtures');

async function values(store: RunStore, id: string, key: string): Promise<{ steps: number[]; values: number[] }> {
  const [s] = await store.series({ runIds: [id], keys: [key], points: 1e6 });
  return { steps: s === undefined ? [] : [...s.steps], values: s === undefined ? [] : [...s.values] };
}

test('files encoded by Google protobuf (protoc + python3-protobuf) read back exactly', async (t) => {
  const { root, cleanup } = tempRoot();
  t.after(cleanup);
  const gen = join(root, '.gen');
  mkdirSync(gen);
  execFileSync('protoc', [`--python_out=${gen}`, '-I', join(FIXTURES, 'protos'), 'tb_subset.proto', 'wandb_subset.proto']);
  const out = join(root, 'logs');
  execFileSync('/usr/bin/python3', [join(FIXTURES, 'protobuf_writer.py'), out, gen]);

  const store = await openStore({ roots: [root] });
  const report = await store.index();
  assert.deepEqual(report.diagnostics, []);
  const runs = store.listRuns();
  const tb = runs.find((r) => r.source === 'tensorboard');
  const wb = runs.find((r) => r.source === 'wandb');
  assert.ok(tb !== undefined && wb !== undefined, JSON.stringify(runs.map((r) => r.source)));

  assert.deepEqual(tb.params, { lr: 0.001, optimizer: 'adam', bn: true, layers: '[64]' });
  assert.equal(tb.group, 'g');
  assert.deepEqual(await values(store, tb.id, 'loss/simple'), { steps: [0, 1, 2], values: [1.5, 0.5, -0.5] });
  assert.deepEqual(await values(store, tb.id, 'loss/float'), { steps: [0, 1, 2], values: [0, 0.25, 0.5] });
  assert.deepEqual(await values(store, tb.id, 'loss/double'), { steps: [0, 1, 2], values: [0, 0.1, 0.2] });
  assert.deepEqual((await values(store, tb.id, 'big')).values.length, 2);
  assert.equal(tb.metrics.big.lastStep, 2 ** 40);
  assert.equal(tb.metrics.big.min, 7);
  assert.equal(store.getRun(tb.id)?.notes, 'notes (step 3): héllo');

  assert.equal(wb.name, 'from python');
  assert.equal(wb.project, 'proj');
  assert.deepEqual(wb.tags, ['a', 'b']);
  assert.equal(wb.startTime, T0 * 1000 + 500);
  assert.equal(wb.status, 'killed');
  assert.equal(wb.gitCommit, 'deadbeef');
  assert.equal(wb.params.lr, 0.01);
  assert.equal(String(wb.params.blob).length, 50_000);
  assert.deepEqual(await values(store, wb.id, 'loss'), { steps: [0, 1, 2, 3, 4], values: [1, 0.5, 1 / 3, 0.25, 0.2] });
  const acc = await values(store, wb.id, 'acc');
  assert.ok(Number.isNaN(acc.values[2]));
  assert.deepEqual(acc.values.filter((v) => !Number.isNaN(v)), [0, 0.1, 0.3, 0.4]);
  await store.close();
});
