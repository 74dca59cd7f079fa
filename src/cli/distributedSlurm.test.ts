// A job step of two SLURM tasks (real single-node SLURM, started through scripts/slurm-up.sh as the sweep tests
// do; never skipped): both tasks join one run from SLURM_JOB_ID/SLURM_STEP_ID/SLURM_PROCID alone.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { tempRoot } from '../../test/fixtures/logs';
import { main } from './cli';

const SCRIPTS = resolve(__dirname, '../../scripts');
const LOGGER = resolve(__dirname, '../../logger');
let started = false;

const slurmAnswers = () => spawnSync('sinfo', ['-h', '-o', '%T'], { encoding: 'utf8', timeout: 10_000 }).stdout?.trim().length > 0;

before(() => {
  if (slurmAnswers()) return;
  const up = spawnSync('bash', [join(SCRIPTS, 'slurm-up.sh')], { encoding: 'utf8', timeout: 900_000 });
  assert.equal(up.status, 0, `scripts/slurm-up.sh could not start SLURM:\n${up.stderr}`);
  started = true;
});

after(() => {
  if (started) spawnSync('bash', [join(SCRIPTS, 'slurm-down.sh')], { timeout: 60_000 });
});

const TASK = `
import os, sys, trackside
run = trackside.init(project="slurm", system_metrics=False, capture_env=False)
for step in range(5):
    run.log({"loss": 1.0 / (step + 1)})
if os.environ["SLURM_PROCID"] == "1":
    sys.exit(3)
`;

test('two tasks of one srun step are one run of two ranks; the task that failed is named', async (t) => {
  const { root, cleanup } = tempRoot();
  t.after(cleanup);
  const env = { ...process.env, PYTHONPATH: LOGGER, TRACKSIDE_DIR: root };
  const r = spawnSync('srun', ['--ntasks=2', '--time=2', 'python3', '-c', TASK], { env, encoding: 'utf8', timeout: 300_000 });
  assert.notEqual(r.status, 0, 'task 1 exits with 3');
  let out = '';
  assert.equal(await main(['ls', '--json', '--root', root], { stdout: (s) => (out += s), stderr: () => undefined, env: {}, cwd: '/' }), 0);
  const runs = JSON.parse(out) as Array<{ id: string; status: string; ranks?: Array<{ rank: number; status: string }>; error?: { message?: string } }>;
  assert.equal(runs.length, 1, r.stderr);
  assert.match(runs[0].id, /^slurm-\d+\.0-[0-9a-f]{8}$/);
  assert.deepEqual(runs[0].ranks?.map((k) => [k.rank, k.status]), [[0, 'finished'], [1, 'failed']]);
  assert.equal(runs[0].status, 'failed');
  assert.match(runs[0].error?.message ?? '', /^rank 1 on /);
});
