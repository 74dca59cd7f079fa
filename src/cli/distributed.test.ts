// Distributed runs with the real thing: torch.distributed (gloo, CPU) ranks started the way torchrun starts them,
// writers on "other hosts" (their own UTS namespace and hostname), and SIGKILLed processes, all read through the
// real CLI. /usr/bin/python3 must have torch (Debian's python3-torch; .ci/run installs it): no skip.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { test } from 'node:test';
import { tempRoot } from '../../test/fixtures/logs';
import { main } from './cli';

const LOGGER = resolve(__dirname, '../../logger');
const DDP = resolve(__dirname, '../../test/fixtures/ddp_train.py');
const TORCH_PYTHON = '/usr/bin/python3';
const HOST = hostname();

interface RankJson {
  rank: number;
  host: string;
  pid: number | null;
  status: string;
  lastStep: number | null;
}
interface RunJson {
  id: string;
  status: string;
  ranks?: RankJson[];
  hosts?: string[];
  crashedRank?: { rank: number; host: string };
  error?: { message?: string };
  metrics: Record<string, { count: number }>;
}

async function ls(root: string): Promise<RunJson[]> {
  let out = '';
  const code = await main(['ls', '--json', '--root', root], { stdout: (t) => (out += t), stderr: () => undefined, env: {}, cwd: '/' });
  assert.equal(code, 0);
  return JSON.parse(out) as RunJson[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, fn: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

let port = 29_600 + (process.pid % 200);

/** Starts a job's ranks as torchrun would; `wrap` runs a rank's command another way (in another UTS namespace). */
function ddpJob(root: string, world: number, steps: number, pause: number, wrap: (rank: number, cmd: string[]) => string[] = (_r, c) => c): ChildProcess[] {
  port++;
  const procs: ChildProcess[] = [];
  for (let rank = 0; rank < world; rank++) {
    const env = {
      PATH: process.env.PATH,
      PYTHONPATH: LOGGER,
      TRACKSIDE_DIR: root,
      TRACKSIDE_CAPTURE_ENV: '0',
      OMP_NUM_THREADS: '1',
      RANK: String(rank),
      LOCAL_RANK: String(rank),
      WORLD_SIZE: String(world),
      LOCAL_WORLD_SIZE: String(world),
      MASTER_ADDR: '127.0.0.1',
      MASTER_PORT: String(port),
      TORCHELASTIC_RUN_ID: `job-${port}`,
    };
    const [cmd, ...args] = wrap(rank, [TORCH_PYTHON, DDP, String(steps), String(pause)]);
    procs.push(spawn(cmd, args, { env, stdio: ['ignore', 'ignore', 'pipe'] }));
  }
  return procs;
}

const exited = (p: ChildProcess) => new Promise<number | null>((r) => (p.exitCode !== null || p.signalCode !== null ? r(p.exitCode) : p.once('exit', (code) => r(code))));

function killAll(procs: ChildProcess[]): void {
  for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
}

test('/usr/bin/python3 has torch (CI installs python3-torch): these tests must not pass vacuously', () => {
  assert.ok(existsSync(TORCH_PYTHON), `${TORCH_PYTHON} is missing`);
  const r = spawnSync(TORCH_PYTHON, ['-c', 'import torch.distributed as d; assert d.is_available() and d.is_gloo_available()'], { encoding: 'utf8' });
  assert.equal(r.status, 0, `torch with gloo is not importable from ${TORCH_PYTHON}: ${r.stderr}`);
});

test('a DDP training of three ranks is one run with three ranks', async (t) => {
  const { root, cleanup } = tempRoot();
  t.after(cleanup);
  const procs = ddpJob(root, 3, 20, 0.01);
  t.after(() => killAll(procs));
  let stderr = '';
  procs[0].stderr?.on('data', (d) => (stderr += d));
  const codes = await Promise.all(procs.map(exited));
  assert.deepEqual(codes, [0, 0, 0], stderr);
  const runs = await ls(root);
  assert.equal(runs.length, 1, JSON.stringify(runs.map((r) => r.id)));
  const run = runs[0];
  assert.equal(run.status, 'finished');
  assert.deepEqual(run.ranks?.map((r) => [r.rank, r.host, r.status]), [0, 1, 2].map((k) => [k, HOST, 'finished']));
  assert.equal(run.ranks?.[0].lastStep, 19);
  assert.deepEqual(run.hosts, [HOST]);
  assert.equal(run.metrics.loss.count, 20);
  assert.ok(run.ranks?.every((r) => typeof r.pid === 'number'));
  const human = await text(['ls', '--root', root]);
  assert.match(human, /\(3 ranks\)/);
  const show = await text(['show', run.id, '--root', root]);
  assert.match(show, /Ranks\nRANK +HOST +PID +STATUS/);
  assert.equal(show.split('\n').filter((l) => / finished( |$)/.test(l) && l.includes(HOST)).length, 3);
  // Ranks that log no metrics still say how far they got (their last heartbeat carries the step).
  assert.deepEqual(run.ranks?.map((r) => r.lastStep), [19, 19, 19]);
});

async function text(args: string[]): Promise<string> {
  let out = '';
  assert.equal(await main(args, { stdout: (t) => (out += t), stderr: () => undefined, env: {}, cwd: '/' }), 0);
  return out;
}

test('a job whose rank 1 is SIGKILLed mid-training is crashed, naming rank 1', async (t) => {
  const { root, cleanup } = tempRoot();
  t.after(cleanup);
  const procs = ddpJob(root, 3, 100_000, 0.02);
  t.after(() => killAll(procs));
  const id = await until('the job to train', async () => {
    const runs = await ls(root);
    return runs.length === 1 && (runs[0].metrics.loss?.count ?? 0) >= 5 && runs[0].ranks?.length === 3 ? runs[0].id : undefined;
  });
  procs[1].kill('SIGKILL');
  await exited(procs[1]);
  // The first look after the death already says so: no heartbeat timeout to wait out.
  const run = (await ls(root)).find((r) => r.id === id);
  assert.equal(run?.status, 'crashed', JSON.stringify(run?.ranks));
  assert.deepEqual(run.crashedRank, { rank: 1, host: HOST });
  assert.equal(run.ranks?.[1].status, 'crashed');
  assert.match(run.error?.message ?? '', /^rank 1 on /);
  // The others block in the all-reduce (or fail once gloo notices): ended here.
  killAll(procs);
});

test('ranks on another host (own UTS namespace) show with their host; pid checks never apply to them', async (t) => {
  const { root, cleanup } = tempRoot();
  t.after(cleanup);
  // Rank 2 runs "on nodeB": another hostname, same folder.
  const procs = ddpJob(root, 3, 100_000, 0.02, (rank, cmd) => (rank === 2 ? ['unshare', '--uts', 'sh', '-c', 'hostname nodeB; exec "$@"', 'sh', ...cmd] : cmd));
  t.after(() => killAll(procs));
  const run = await until('three ranks on two hosts', async () => {
    const r = (await ls(root))[0];
    return r?.ranks?.length === 3 && (r.metrics.loss?.count ?? 0) >= 3 ? r : undefined;
  });
  assert.deepEqual(run.hosts, [HOST, 'nodeB']);
  assert.equal(run.ranks?.[2].host, 'nodeB');
  // nodeB's rank dies: its pid is not this host's to check, so the heartbeat rule (2 minutes) still holds it.
  procs[2].kill('SIGKILL');
  await exited(procs[2]);
  await sleep(2_500);
  const after = (await ls(root))[0];
  assert.equal(after.ranks?.[2].status, 'running');
  // The ranks left on this host may have failed by now (gloo saw the connection drop): never "crashed" by rank 2.
  assert.notEqual(after.status, 'crashed');
  assert.equal(after.crashedRank, undefined);
  killAll(procs);
});

const STANDALONE = `
import time, trackside
run = trackside.init(project="solo", system_metrics=False)
step = 0
while True:
    run.log({"x": step}); step += 1; time.sleep(0.05)
`;

test('a standalone run SIGKILLed: trackside ls two seconds later says crashed; one on another host keeps running', async (t) => {
  const { root, cleanup } = tempRoot();
  t.after(cleanup);
  const env = { PATH: process.env.PATH, PYTHONPATH: LOGGER, TRACKSIDE_DIR: root, TRACKSIDE_CAPTURE_ENV: '0' };
  const local = spawn('python3', ['-c', STANDALONE], { env, stdio: 'ignore' });
  const remote = spawn('unshare', ['--uts', 'sh', '-c', 'hostname nodeB; exec python3 -c "$0"', STANDALONE], { env, stdio: 'ignore' });
  t.after(() => killAll([local, remote]));
  await until('both runs', async () => {
    const runs = await ls(root);
    return runs.length === 2 && runs.every((r) => (r.metrics.x?.count ?? 0) > 0) ? runs : undefined;
  });
  local.kill('SIGKILL');
  remote.kill('SIGKILL');
  await Promise.all([exited(local), exited(remote)]);
  await sleep(2_000);
  const runs = await ls(root);
  const hostOf = (r: RunJson) => JSON.parse(readFileSync(join(root, 'runs', r.id, 'events.jsonl'), 'utf8').split('\n')[0]).proc.host as string;
  const byHost = Object.fromEntries(runs.map((r) => [hostOf(r), r.status]));
  assert.deepEqual(byHost, { [HOST]: 'crashed', nodeB: 'running' });
});

test('a writer in its own pid namespace on this host (a container) is not looked up by its pid', async (t) => {
  const { root, cleanup } = tempRoot();
  t.after(cleanup);
  const env = { PATH: process.env.PATH, PYTHONPATH: LOGGER, TRACKSIDE_DIR: root, TRACKSIDE_CAPTURE_ENV: '0' };
  // Inside, the writer is pid 1 or 2: here, that pid is another process with another start time.
  const writer = spawn('unshare', ['--pid', '--fork', '--mount-proc', 'python3', '-c', STANDALONE], { env, stdio: 'ignore' });
  t.after(() => killAll([writer]));
  const run = await until('the run', async () => (await ls(root)).find((r) => (r.metrics.x?.count ?? 0) > 0));
  const proc = JSON.parse(readFileSync(join(root, 'runs', run.id, 'events.jsonl'), 'utf8').split('\n')[0]).proc as { pid: number; host: string };
  assert.ok(proc.pid <= 2 && proc.host === HOST, JSON.stringify(proc));
  assert.equal(run.status, 'running');
  await sleep(1_500);
  assert.equal((await ls(root))[0].status, 'running');
});
