import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalLauncher } from './local';
import { SlurmLauncher } from './slurm';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('local: stop sends SIGTERM to the whole process group, then SIGKILL to what ignores it', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'trackside-launch-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const log = join(dir, 'trial.log');
  // A parent that ignores SIGTERM and a grandchild that would outlive it: both must be gone after stop().
  const script = `trap '' TERM; sleep 600 & echo "child $!"; echo ready; wait`;
  const launcher = new LocalLauncher(300);
  const job = await launcher.start({ n: 0, argv: ['sh', '-c', script], cwd: dir, env: { PATH: process.env.PATH ?? '' }, logFile: log, name: 't' });
  let text = '';
  for (let i = 0; i < 100 && !text.includes('ready'); i++) {
    await new Promise((r) => setTimeout(r, 50));
    text = readFileSync(log, 'utf8');
  }
  const child = Number(/child (\d+)/.exec(text)?.[1]);
  const pid = Number(job.id.split('@')[0]);
  assert.ok(alive(pid) && alive(child), text);
  const t0 = Date.now();
  await job.stop();
  const end = await job.done;
  assert.equal(end.signal, 'SIGKILL', 'the parent ignored SIGTERM, so SIGKILL ended it');
  assert.ok(Date.now() - t0 >= 250, 'SIGKILL came after the grace period');
  for (let i = 0; i < 40 && alive(child); i++) await new Promise((r) => setTimeout(r, 50));
  assert.ok(!alive(child), 'the grandchild in the same process group is gone too');
  // A job of this host can be found again by its id while it runs, not after.
  assert.equal(await launcher.attach(job.id), undefined);
});

test('local: a trial whose job was never recorded is adopted by the run id in its environment, its children are not', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'trackside-launch-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const launcher = new LocalLauncher(300);
  const run = `20260101-000000-${process.pid.toString(16).padStart(8, '0').slice(-8)}`;
  // The trial starts a child of its own (same environment, same group): the group's leader is the one adopted.
  const job = await launcher.start({ n: 0, argv: ['sh', '-c', 'sleep 600 & echo ready; wait'], cwd: dir, env: { PATH: process.env.PATH ?? '', TRACKSIDE_RUN_ID: run }, logFile: join(dir, 'a.log'), name: 't' });
  t.after(() => job.stop());
  for (let i = 0; i < 100 && !readFileSync(join(dir, 'a.log'), 'utf8').includes('ready'); i++) await new Promise((r) => setTimeout(r, 50));
  const adopted = await launcher.adopt(run);
  assert.equal(adopted?.id, job.id);
  assert.equal(await launcher.adopt(`${run.slice(0, -1)}x`), undefined, 'another run id finds nothing');
  await adopted!.stop();
  assert.deepEqual(await adopted!.done, { exitCode: null });
  assert.equal(await launcher.adopt(run), undefined, 'an ended trial is not adopted');
});

test('local: a program that cannot start ends with exit code 127 and says why in its log', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'trackside-launch-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const job = await new LocalLauncher().start({ n: 0, argv: ['/nonexistent/python9'], cwd: dir, env: {}, logFile: join(dir, 'l.log'), name: 't' });
  assert.deepEqual(await job.done, { exitCode: 127 });
  await new Promise((r) => setTimeout(r, 50));
  assert.match(readFileSync(join(dir, 'l.log'), 'utf8'), /could not start \/nonexistent\/python9/);
});

test('slurm: without sbatch on PATH the launcher says so before anything launches', async () => {
  const saved = process.env.PATH;
  process.env.PATH = '/nonexistent';
  try {
    await assert.rejects(new SlurmLauncher({ args: [] }).check(), /the slurm launcher needs SLURM's sbatch: sbatch not found on PATH/);
  } finally {
    process.env.PATH = saved;
  }
});
