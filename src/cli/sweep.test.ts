// `trackside sweep` end to end: the real CLI, a real Python training script with the real logger, real processes.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { test } from 'node:test';
import { openStore } from '../store';
import { sweepWorkspace, type SweepWorkspace } from '../../test/fixtures/sweepWorkspace';
import { main } from './cli';

async function cli(ws: SweepWorkspace, args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: ws.env, cwd: ws.dir });
  return { code, stdout, stderr };
}

async function runsOf(root: string) {
  const store = await openStore({ roots: [root] });
  try {
    await store.index();
    return store.listRuns().map((r) => store.getRun(r.id)!);
  } finally {
    await store.close();
  }
}

const GRID = `program: train.py
method: grid
metric: {name: loss, goal: minimize}
parameters:
  lr: {values: [0.01, 0.1]}
  opt:
    parameters:
      name: {values: [sgd, adam]}
concurrency: 2
`;

test('sweep run: a grid runs every configuration once, params reach args and run.config, --json reports the best', async (t) => {
  const ws = sweepWorkspace();
  t.after(ws.cleanup);
  ws.sweepFile('grid.sweep.yaml', GRID);
  const r = await cli(ws, ['sweep', 'run', 'grid.sweep.yaml', '--root', ws.root, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.status, 'finished');
  assert.deepEqual([out.trials, out.launched, out.skipped, out.pruned, out.failed], [4, 4, 0, 0, 0]);
  assert.deepEqual(out.best.params, { lr: 0.01, 'opt.name': 'adam' });
  assert.ok(Math.abs(out.best.value - (0 + 0.5 + 0 + 1 / 6)) < 1e-9, String(out.best.value));
  const runs = await runsOf(ws.root);
  assert.equal(runs.length, 4);
  assert.ok(runs.every((run) => run.group === out.sweep && run.status === 'finished'));
  const best = runs.find((run) => run.id === out.best.run)!;
  assert.equal(best.params['opt.name'], 'adam');
  assert.deepEqual(best.argv.slice(1), ['--lr=0.01', '--opt.name=adam']);
  assert.deepEqual(best.overrides, { 'opt.name': 'adam', lr: 0.01 });

  // Running the same file again resumes the finished sweep: nothing is launched again.
  const again = await cli(ws, ['sweep', 'run', 'grid.sweep.yaml', '--root', ws.root, '--json']);
  assert.equal(JSON.parse(again.stdout).launched, 4);
  assert.equal((await runsOf(ws.root)).length, 4);

  // A new sweep over an overlapping grid at the same commit skips what already ran and counts it.
  ws.sweepFile('wider.yaml', GRID.replace('[0.01, 0.1]', '[0.01, 0.1, 1.0]'));
  const wider = JSON.parse((await cli(ws, ['sweep', 'run', 'wider.yaml', '--root', ws.root, '--json'])).stdout);
  assert.deepEqual([wider.trials, wider.launched, wider.skipped], [6, 2, 4]);
  assert.equal(wider.best.run, out.best.run, 'the best is the earlier run');
  assert.equal((await runsOf(ws.root)).length, 6);

  const status = await cli(ws, ['sweep', 'status', '--root', ws.root, '--json']);
  assert.deepEqual(JSON.parse(status.stdout).map((s: { sweep: string; status: string }) => s.status), ['finished', 'finished']);
  const one = await cli(ws, ['sweep', 'status', wider.sweep, '--root', ws.root]);
  assert.match(one.stdout, /skipped/);
});

test('sweep run: failing trials do not stop the sweep, a run of them does, with the reason', async (t) => {
  const ws = sweepWorkspace();
  t.after(ws.cleanup);
  ws.sweepFile('f.yaml', 'program: train.py\nmethod: grid\nmetric: {name: loss}\nparameters:\n  fail: {values: [false, true]}\n  layers: {values: [1, 2, 3]}\n');
  const r = JSON.parse((await cli(ws, ['sweep', 'run', 'f.yaml', '--root', ws.root, '--json'])).stdout);
  assert.deepEqual([r.status, r.trials, r.failed], ['finished', 6, 3]);
  assert.equal(r.best.params.layers, 3);
  ws.sweepFile('g.yaml', 'program: train.py\nmethod: random\nmetric: {name: loss}\nrun_cap: 10\nmax_failures: 2\nparameters:\n  fail: {value: true}\n  layers: {min: 1, max: 9}\n');
  const g = await cli(ws, ['sweep', 'run', 'g.yaml', '--root', ws.root, '--json']);
  assert.equal(g.code, 3);
  const out = JSON.parse(g.stdout);
  assert.deepEqual([out.status, out.trials, out.failed], ['failed', 2, 2]);
  assert.match(out.reason, /2 trials failed in a row.*failing on purpose/);
});

test('sweep run: hyperband prunes poor trials (outcome pruned, process stopped) and keeps the best', async (t) => {
  const ws = sweepWorkspace();
  t.after(ws.cleanup);
  ws.sweepFile('hb.yaml', [
    'program: train.py', 'method: grid', 'metric: {name: loss, goal: minimize}',
    'parameters:', '  layers: {values: [3, 9, 8, 7]}', '  steps: {value: 40}', '  sleep: {value: 0.1}',
    'early_terminate: {type: hyperband, min_iter: 3, eta: 2}', '',
  ].join('\n'));
  const r = JSON.parse((await cli(ws, ['sweep', 'run', 'hb.yaml', '--root', ws.root, '--json'])).stdout);
  assert.equal(r.best.params.layers, 3);
  assert.ok(r.pruned >= 2, `pruned ${r.pruned}`);
  const runs = await runsOf(ws.root);
  const pruned = runs.filter((run) => run.status !== 'finished');
  assert.equal(pruned.length, r.pruned);
  // SIGTERM reached the program: its logger recorded the run as killed, well before its 40 steps.
  assert.ok(pruned.every((run) => run.status === 'killed' && (run.lastStep ?? 0) < 40), JSON.stringify(pruned.map((p) => [p.status, p.lastStep])));
});

test('sweep run: a killed controller resumes without relaunching finished trials, re-attaching to live ones', async (t) => {
  const ws = sweepWorkspace();
  t.after(ws.cleanup);
  ws.sweepFile('k.yaml', 'program: train.py\nmethod: random\nseed: 3\nrun_cap: 5\nconcurrency: 2\nmetric: {name: loss}\nparameters:\n  lr: {distribution: log_uniform_values, min: 0.001, max: 1}\n  steps: {value: 10}\n  sleep: {value: 0.15}\n');
  const child = spawn(process.execPath, ['--import', pathToFileURL(resolve(__dirname, '../../node_modules/tsx/dist/loader.mjs')).href, resolve(__dirname, 'main.ts'), 'sweep', 'run', 'k.yaml', '--root', ws.root], { cwd: ws.dir, env: ws.env as NodeJS.ProcessEnv });
  t.after(() => child.kill('SIGKILL'));
  let seen = '';
  await new Promise<void>((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`the controller did not get going: ${seen}`)), 60_000);
    child.stderr.on('data', (b: Buffer) => (seen += b.toString()));
    child.stdout.on('data', (b: Buffer) => {
      seen += b.toString();
      if ((seen.match(/trial \d+ finished/g) ?? []).length >= 1 && (seen.match(/launched/g) ?? []).length >= 3) {
        clearTimeout(timer);
        res();
      }
    });
  });
  const gone = new Promise((res) => child.once('exit', res));
  child.kill('SIGKILL');
  await gone;
  const r = await cli(ws, ['sweep', 'run', 'k.yaml', '--root', ws.root, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.status, 'finished');
  assert.match(r.stderr, /resuming/);
  assert.match(r.stderr, /re-attached/);
  const runs = await runsOf(ws.root);
  assert.equal(out.trials, 5);
  assert.equal(runs.length, 5, 'every trial ran once: none relaunched');
  assert.ok(runs.every((run) => run.status === 'finished'));
  const lines = readFileSync(join(ws.root, 'sweeps', out.sweep, 'trials.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.filter((e) => e.t === 'trial').length, 5);
});

test('sweep run: with gpus, running trials get distinct GPUs through CUDA_VISIBLE_DEVICES', async (t) => {
  const ws = sweepWorkspace();
  t.after(ws.cleanup);
  ws.sweepFile('gpu.yaml', 'program: train.py\nmethod: grid\nmetric: {name: loss}\nconcurrency: 2\ngpus: [0, 1]\nparameters:\n  layers: {values: [1, 2, 3, 4]}\n  sleep: {value: 0.1}\n');
  const r = JSON.parse((await cli(ws, ['sweep', 'run', 'gpu.yaml', '--root', ws.root, '--json'])).stdout);
  assert.equal(r.launched, 4);
  const runs = (await runsOf(ws.root)).sort((a, b) => a.startTime - b.startTime);
  const gpus = runs.map((run) => run.summary.cuda);
  assert.ok(gpus.every((g) => g === '0' || g === '1'), gpus.join(','));
  // The first two run together: one on each GPU.
  assert.notEqual(gpus[0], gpus[1]);
});

test('sweep run: bad input is refused before anything launches, with file, line and column', async (t) => {
  const ws = sweepWorkspace();
  t.after(ws.cleanup);
  ws.sweepFile('bad.yaml', 'program: train.py\nmethod: random\nparameters:\n  lr: {min: 2.0, max: 1.0}\n  x: {valuez: [1]}\n');
  const bad = await cli(ws, ['sweep', 'run', 'bad.yaml', '--root', ws.root]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /bad\.yaml:4:8: min \(2\) is greater than max \(1\)/);
  assert.match(bad.stderr, /bad\.yaml:5:\d+: unknown key "valuez"/);
  ws.sweepFile('missing.yaml', 'program: nope.py\nmethod: random\nparameters:\n  lr: {values: [1]}\n');
  const missing = await cli(ws, ['sweep', 'run', 'missing.yaml', '--root', ws.root]);
  assert.equal(missing.code, 3);
  assert.match(missing.stderr, /program nope\.py does not exist/);
  assert.equal((await runsOf(ws.root)).length, 0);
  const stop = await cli(ws, ['sweep', 'stop', 'nosuch', '--root', ws.root]);
  assert.equal(stop.code, 1);
});
