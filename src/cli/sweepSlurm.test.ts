// The slurm launcher against a real single-node SLURM (Debian's slurm-wlm and munge). The test starts SLURM itself
// through scripts/slurm-up.sh (installing it when missing) and fails loudly when it cannot: it is never skipped.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { openStore } from '../store';
import { sweepWorkspace, type SweepWorkspace } from '../../test/fixtures/sweepWorkspace';
import { main } from './cli';

const SCRIPTS = resolve(__dirname, '../../scripts');
let started = false;

function slurmAnswers(): boolean {
  return spawnSync('sinfo', ['-h', '-o', '%T'], { encoding: 'utf8', timeout: 10_000 }).stdout?.trim().length > 0;
}

before(() => {
  if (slurmAnswers()) return;
  const up = spawnSync('bash', [join(SCRIPTS, 'slurm-up.sh')], { encoding: 'utf8', timeout: 900_000 });
  assert.equal(up.status, 0, `scripts/slurm-up.sh could not start SLURM:\n${up.stderr}`);
  started = true;
});

after(() => {
  if (started) spawnSync('bash', [join(SCRIPTS, 'slurm-down.sh')], { timeout: 60_000 });
});

async function cli(ws: SweepWorkspace, args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: ws.env, cwd: ws.dir });
  return { code, stdout, stderr };
}

function ourJobs(sweep: string): string[] {
  const out = execFileSync('squeue', ['-h', '-o', '%j'], { encoding: 'utf8' });
  return out.split('\n').filter((name) => name.startsWith(`trackside-${sweep}-`));
}

test('slurm: the free slots\' trials go as one sbatch --array (task id = trial number), a refill as its own job; runs land in the root', async (t) => {
  const ws = sweepWorkspace();
  t.after(ws.cleanup);
  ws.sweepFile('s.yaml', 'program: train.py\nmethod: grid\nmetric: {name: loss}\nconcurrency: 2\nlauncher: {type: slurm, time: "00:05:00"}\nparameters:\n  layers: {values: [1, 2, 3]}\n');
  const r = await cli(ws, ['sweep', 'run', 's.yaml', '--root', ws.root, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual([out.status, out.trials, out.launched, out.failed], ['finished', 3, 3, 0]);
  assert.equal(out.best.params.layers, 3);
  const dir = join(ws.root, 'sweeps', out.sweep);
  const events = readFileSync(join(dir, 'trials.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  const jobs = new Map<number, string>(events.filter((e) => e.t === 'job').map((e) => [e.n, e.job]));
  const array = /^(\d+)_0$/.exec(jobs.get(0) ?? '')?.[1];
  assert.ok(array, `trial 0 is task 0 of an array: ${[...jobs.values()].join(', ')}`);
  assert.equal(jobs.get(1), `${array}_1`, 'trial 1 is task 1 of the same array');
  assert.match(jobs.get(2) ?? '', /^\d+$/, 'the refill of one slot is a plain job');
  // Each task's own environment reached it: every trial wrote its own run, with its own params.
  for (const n of [0, 1, 2]) assert.ok(existsSync(join(dir, 'trials', `${n}.log.exit`)), `trial ${n} wrote its exit code`);
  const store = await openStore({ roots: [ws.root] });
  await store.index();
  const runs = store.listRuns().filter((run) => run.group === out.sweep && run.status === 'finished');
  assert.deepEqual(runs.map((run) => store.getRun(run.id)!.params.layers).sort(), [1, 2, 3]);
  await store.close();
});

test('slurm: stop cancels the jobs (scancel) and a second run resumes the sweep to its end', async (t) => {
  const ws = sweepWorkspace();
  t.after(ws.cleanup);
  ws.sweepFile('long.yaml', 'program: train.py\nmethod: grid\nmetric: {name: loss}\nconcurrency: 2\nlauncher: slurm\nparameters:\n  layers: {values: [1, 2, 3]}\n  steps: {value: 200}\n  sleep: {value: 0.05}\n');
  const running = cli(ws, ['sweep', 'run', 'long.yaml', '--root', ws.root, '--json']);
  let sweep = '';
  for (let i = 0; i < 600 && sweep === ''; i++) {
    await new Promise((res) => setTimeout(res, 100));
    const status = await cli(ws, ['sweep', 'status', '--root', ws.root, '--json']);
    const list = status.stdout.trim() ? JSON.parse(status.stdout) : [];
    if (list.length === 1 && ourJobs(list[0].sweep).length === 2) sweep = list[0].sweep;
  }
  assert.ok(sweep, 'two SLURM jobs started');
  const stop = await cli(ws, ['sweep', 'stop', sweep, '--root', ws.root]);
  assert.match(stop.stdout, /asked the controller/);
  const stopped = JSON.parse((await running).stdout);
  assert.equal(stopped.status, 'stopped');
  assert.deepEqual(ourJobs(sweep), [], 'scancel ended both jobs');

  ws.sweepFile('long.yaml', readFileSync(join(ws.dir, 'long.yaml'), 'utf8'));
  const resumed = await cli(ws, ['sweep', 'run', 'long.yaml', '--root', ws.root, '--json']);
  const out = JSON.parse(resumed.stdout);
  assert.equal(out.sweep, sweep);
  assert.deepEqual([out.status, out.trials], ['finished', 3]);
  assert.equal(out.best.params.layers, 3);
});
