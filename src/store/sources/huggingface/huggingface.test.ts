// Hugging Face Trainer output read in place, from folders written by test/fixtures/huggingface.ts.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openStore } from '../../runStore';
import type { RunStore } from '../../types';
import { huggingfaceSource } from './source';
import { tempRoot } from '../../../../test/fixtures/logs';
import { simpleHistory, writeCheckpoint, writeFinal } from '../../../../test/fixtures/huggingface';

function fixture(t: { after: (fn: () => void) => void }) {
  const r = tempRoot();
  t.after(r.cleanup);
  return r.root;
}

async function open(root: string): Promise<RunStore> {
  return openStore({ roots: [root], sources: [huggingfaceSource] });
}

async function series(store: RunStore, id: string, key: string): Promise<{ steps: number[]; values: number[] }> {
  const [s] = await store.series({ runIds: [id], keys: [key], points: 1e6 });
  return { steps: [...(s?.steps ?? [])], values: [...(s?.values ?? [])] };
}

test('log_history becomes train and eval series by global step; final entries and results files the summary', { timeout: 20_000 }, async (t) => {
  const root = fixture(t);
  const out = join(root, 'outputs', 'bert-finetune');
  const history = simpleHistory(4);
  writeCheckpoint(out, { globalStep: 2, logHistory: history.slice(0, 4) });
  writeFinal(out, { globalStep: 4, logHistory: history, bestMetric: 0.3 }, { all: { eval_acc: 0.3, train_loss: 4.2 }, eval: { eval_acc: 0.3 } });
  writeFileSync(join(out, 'config.json'), JSON.stringify({ architectures: ['BertForSequenceClassification'], hidden_size: 768, id2label: { 0: 'a' } }));
  // A FIFO: opening it would block this test until it times out. The Trainer's pickle is listed, never read.
  execFileSync('mkfifo', [join(out, 'training_args.bin')]);
  const store = await open(root);
  const report = await store.index();
  assert.deepEqual(report.diagnostics, []);
  const [run] = store.listRuns();
  assert.equal(run.source, 'huggingface');
  assert.equal(run.name, 'bert-finetune');
  assert.equal(run.status, 'finished');
  assert.deepEqual(await series(store, run.id, 'train/loss'), { steps: [0, 1, 2, 3], values: [10, 9.5, 9, 8.5] });
  assert.deepEqual(await series(store, run.id, 'eval/acc'), { steps: [0, 1, 2, 3], values: [0, 0.1, 0.2, 0.3] });
  assert.deepEqual(store.metricKeys([run.id]), ['epoch', 'eval/acc', 'eval/runtime', 'train/learning_rate', 'train/loss']);
  const detail = store.getRun(run.id)!;
  assert.equal(detail.summary.train_runtime, 30);
  assert.equal(detail.summary.eval_acc, 0.3);
  assert.equal(detail.summary.best_metric, 0.3);
  assert.equal(detail.params['model.hidden_size'], 768);
  assert.equal(detail.params['model.architectures'], 'BertForSequenceClassification');
  assert.equal(detail.params.train_batch_size, 8);
  // Not a regular file: not even listed.
  assert.ok(!detail.artifacts.some((a) => a.path === 'training_args.bin'));
  assert.ok(detail.endTime! - detail.startTime >= 30_000, 'the start is the end less train_runtime');
  await store.close();
});

test('while training, the newest checkpoint is the run; a newer one replaces it without a point twice', async (t) => {
  const root = fixture(t);
  const out = join(root, 'out');
  const history = simpleHistory(6).slice(0, 12);
  writeCheckpoint(out, { globalStep: 2, logHistory: history.slice(0, 4) });
  writeCheckpoint(out, { globalStep: 4, logHistory: history.slice(0, 8) });
  writeFileSync(join(out, 'training_args.bin'), '\x80\x04');
  const store = await open(root);
  await store.index();
  const [run] = store.listRuns();
  assert.equal(run.status, 'running');
  assert.deepEqual((await series(store, run.id, 'train/loss')).steps, [0, 1, 2, 3]);
  assert.deepEqual(store.getRun(run.id)?.artifacts.map((a) => a.path), ['training_args.bin']);
  writeCheckpoint(out, { globalStep: 6, logHistory: history });
  await store.index();
  assert.deepEqual((await series(store, run.id, 'train/loss')).steps, [0, 1, 2, 3, 4, 5]);
  // A checkpoint folder is not a run of its own.
  assert.equal(store.listRuns().length, 1);
  await store.close();
});

test('a broken state file is a diagnostic with its line; an older checkpoint is used meanwhile', async (t) => {
  const root = fixture(t);
  const out = join(root, 'out');
  const history = simpleHistory(3);
  writeCheckpoint(out, { globalStep: 1, logHistory: history.slice(0, 2) });
  const newer = writeCheckpoint(out, { globalStep: 3, logHistory: history });
  writeFileSync(join(newer, 'trainer_state.json'), '{\n  "global_step": 3,\n  "log_history": [\n    {"loss": 1,,}\n');
  utimesSync(join(newer, 'trainer_state.json'), new Date(), new Date());
  writeFileSync(join(out, 'training_args.bin'), '\x80\x04');
  const store = await open(root);
  const report = await store.index();
  const [run] = store.listRuns();
  assert.deepEqual((await series(store, run.id, 'train/loss')).values, [10]);
  const d = report.diagnostics.find((x) => x.file === join(out, 'trainer_state.json'));
  assert.match(d?.reason ?? '', /^checkpoint-3\/trainer_state\.json at byte \d+: not valid JSON/);
  assert.equal(d?.line, 4);
  await store.close();
});

test('a change that is not a state file (results, a side-file edit) adds no point twice', async (t) => {
  const root = fixture(t);
  const out = join(root, 'out');
  writeFinal(out, { globalStep: 3, logHistory: simpleHistory(3) }, { train: { train_loss: 1 } });
  const store = await open(root);
  await store.index();
  const [run] = store.listRuns();
  writeFileSync(join(out, 'eval_results.json'), JSON.stringify({ eval_acc: 0.9 }));
  mkdirSync(run.editsDir!, { recursive: true });
  writeFileSync(join(run.editsDir!, 'user.json'), JSON.stringify({ name: 'renamed' }));
  const report = await store.index();
  assert.deepEqual(report.changedRuns, [run.id]);
  assert.equal(report.points, 0, 'the state was read once, when it was written');
  const after = store.getRun(run.id)!;
  assert.equal(after.name, 'renamed');
  assert.equal(after.summary.eval_acc, 0.9);
  assert.deepEqual((await series(store, run.id, 'train/loss')).steps, [0, 1, 2]);
  assert.equal(after.startTime, run.startTime);
  await store.close();
});
