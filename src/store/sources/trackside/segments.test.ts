// A distributed run: rank 0's log and the other ranks' segments merge into one run whose status is the job's.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { poolStats } from '../../ingest/parsePool';
import { limits, openStore } from '../../runStore';
import { runDir, tempRoot } from '../../../../test/fixtures/logs';
import type { RunStore } from '../../types';

const HOST = hostname();
const line = (r: object) => JSON.stringify(r) + '\n';

function rankBlock(rank: number, world: number, extra: object = {}) {
  return { rank, world_size: world, local_rank: rank, host: HOST, pid: null, pid_start: null, boot_id: null, launcher: 'torchrun', job: 'j1', ...extra };
}

/** Writes one rank's segment; returns its path. */
function segment(dir: string, rank: number, lines: object[]): string {
  const path = join(dir, rank === 0 ? 'events.jsonl' : `events.rank-${rank}.jsonl`);
  appendFileSync(path, lines.map(line).join(''));
  return path;
}

function job(t: { after: (fn: () => void) => void }, world: number, rankOpts: (r: number) => object = () => ({})) {
  const r = tempRoot();
  t.after(r.cleanup);
  const dir = runDir(r.root, 'torchrun-j1-abc');
  const ts = Date.now() / 1000;
  for (let k = 0; k < world; k++) {
    const start = { t: 'start', ts, v: 1, id: 'torchrun-j1-abc', name: 'ddp', project: 'p', tags: [], argv: [], env: {}, rank: rankBlock(k, world, rankOpts(k)) };
    const body: object[] = k === 0 ? [{ t: 'params', ts, params: { lr: 0.1 } }, ...[0, 1, 2].map((s) => ({ t: 'metrics', ts: ts + s, step: s, values: { loss: 1 / (s + 1) } }))] : [{ t: 'heartbeat', ts: ts + 2, step: 2 }];
    segment(dir, k, [start, ...body, { t: 'system', ts: ts + 1, values: { cpu_percent: 10 * k } }]);
  }
  return { root: r.root, dir, ts };
}

async function store(t: { after: (fn: () => Promise<void>) => void }, root: string, now?: () => number): Promise<RunStore> {
  const s = await openStore({ roots: [root], ...(now !== undefined ? { now } : {}) });
  t.after(() => s.close());
  await s.index();
  return s;
}

test('three ranks are one run with three ranks; finished when every rank finished', async (t) => {
  const { root, dir, ts } = job(t, 3);
  const s = await store(t, root);
  const runs = s.listRuns();
  assert.equal(runs.length, 1);
  const run = runs[0];
  assert.equal(run.status, 'running');
  assert.deepEqual(run.ranks?.map((r) => [r.rank, r.host, r.status, r.lastStep]), [[0, HOST, 'running', 2], [1, HOST, 'running', 2], [2, HOST, 'running', 2]]);
  assert.deepEqual(run.hosts, [HOST]);
  assert.equal(run.params.lr, 0.1);
  assert.equal(run.metrics.loss.count, 3);
  assert.ok(run.metrics['rank2/system/cpu_percent'] !== undefined, Object.keys(run.metrics).join());
  for (const k of [0, 1]) segment(dir, k, [{ t: 'status', ts: ts + 3, status: 'finished', exit_code: 0 }]);
  await s.index();
  assert.equal(s.listRuns()[0].status, 'running');
  segment(dir, 2, [{ t: 'status', ts: ts + 3, status: 'finished', exit_code: 0 }]);
  const report = await s.index();
  assert.equal(report.points, 0);
  assert.equal(s.listRuns()[0].status, 'finished');
});

test('a failed rank fails the run and is named', async (t) => {
  const { root, dir, ts } = job(t, 3);
  segment(dir, 2, [{ t: 'status', ts: ts + 3, status: 'failed', exit_code: 1, error: { type: 'RuntimeError', message: 'NCCL timeout' } }]);
  const s = await store(t, root, () => (ts + 60) * 1000);
  const run = s.listRuns()[0];
  assert.equal(run.status, 'failed');
  assert.match(run.error?.message ?? '', /rank 2 on .*NCCL timeout/);
  assert.equal(run.ranks?.[2].error, 'RuntimeError: NCCL timeout');
});

test('only the segment that grew is read again, from its own cursor', async (t) => {
  const { root, dir, ts } = job(t, 3);
  const s = await store(t, root);
  segment(dir, 2, [{ t: 'system', ts: ts + 2, values: { cpu_percent: 1 } }]);
  const report = await s.index();
  assert.deepEqual(report.changedRuns, ['torchrun-j1-abc']);
  assert.equal(report.points, 1);
  assert.equal(s.listRuns()[0].metrics['rank2/system/cpu_percent'].count, 2);
  assert.equal((await s.index()).changedRuns.length, 0);
});

test('all-ranks metrics are kept per rank; another host has its own system series', async (t) => {
  const { root, dir, ts } = job(t, 2, (r) => (r === 1 ? { host: 'nodeB', local_rank: 0 } : {}));
  segment(dir, 1, [{ t: 'metrics', ts: ts + 3, step: 0, values: { loss: 2 } }]);
  const s = await store(t, root);
  const run = s.listRuns()[0];
  assert.equal(run.metrics['rank1/loss'].last, 2);
  assert.ok(run.metrics['system/nodeB/cpu_percent'] !== undefined);
  assert.deepEqual(run.hosts, [HOST, 'nodeB']);
});

test('bad input: no header, two jobs, a changed rank count: shown with diagnostics, nothing lost', async (t) => {
  const { root, dir, ts } = job(t, 3, (r) => (r === 2 ? { job: 'j2' } : {}));
  writeFileSync(join(dir, 'events.rank-3.jsonl'), line({ t: 'system', ts, values: { cpu_percent: 5 } }));
  segment(dir, 1, [{ t: 'start', ts: ts + 5, v: 1, id: 'x', rank: rankBlock(1, 2) }]);
  const s = await store(t, root);
  const run = s.listRuns()[0];
  assert.deepEqual(run.ranks?.map((r) => r.rank), [0, 1, 2, 3]);
  assert.equal(run.metrics['rank3/system/cpu_percent'].count, 1);
  const reasons = s.diagnostics().map((d) => d.reason).join('\n');
  assert.match(reasons, /events\.rank-3\.jsonl has no start record/);
  assert.match(reasons, /two jobs claim run torchrun-j1-abc/);
  assert.match(reasons, /rank count changed \(3 → 2\)/);
});

test('another host whose clock is minutes behind is not crashed while its file grows; quiet for long it is', async (t) => {
  const { root, dir } = job(t, 2, (r) => (r === 1 ? { host: 'nodeB' } : {}));
  // nodeB's records say ten minutes ago; its file was written just now.
  const old = Date.now() / 1000 - 600;
  segment(dir, 1, [{ t: 'heartbeat', ts: old }]);
  let now = Date.now();
  const s = await store(t, root, () => now);
  assert.equal(s.listRuns()[0].ranks?.[1].status, 'running');
  now += 3 * 60_000;
  const run = s.listRuns()[0];
  assert.equal(run.status, 'crashed');
  assert.equal(run.ranks?.[1].status, 'crashed');
  assert.match(run.ranks?.[1].error ?? '', /nothing written for 3 min/);
});

test('a local writer that died is crashed at once; one alive stays running; a reused pid is not taken for it', async (t) => {
  const r = tempRoot();
  t.after(r.cleanup);
  const stat = (pid: number) => Number(readFileSync(`/proc/${pid}/stat`, 'latin1').split(') ')[1].split(' ')[19]);
  const boot = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  const sleeper = async () => {
    const child = spawn('sleep', ['30']);
    t.after(() => child.kill('SIGKILL'));
    await new Promise((res) => child.once('spawn', res));
    return child;
  };
  const [a, b] = [await sleeper(), await sleeper()];
  const ts = Date.now() / 1000;
  const write = (id: string, p: number, start: number) => writeFileSync(join(runDir(r.root, id), 'events.jsonl'), line({ t: 'start', ts, v: 1, id, proc: { host: HOST, pid: p, pid_start: start, boot_id: boot } }));
  write('a', a.pid ?? 0, stat(a.pid ?? 0));
  write('b', b.pid ?? 0, stat(b.pid ?? 0));
  write('reused', process.pid, stat(process.pid) + 1);
  const s = await store(t, r.root);
  const status = () => Object.fromEntries(s.listRuns().map((x) => [x.id, x.status]));
  assert.deepEqual(status(), { a: 'running', b: 'running', reused: 'crashed' });
  assert.equal(await s.checkLiveness?.(), false);
  // A full pass (the extension's poll) notices a dead writer whose log never changes again, and reports its run.
  a.kill('SIGKILL');
  await new Promise((res) => a.once('exit', res));
  assert.deepEqual((await s.index()).changedRuns, ['a']);
  assert.deepEqual(status(), { a: 'crashed', b: 'running', reused: 'crashed' });
  assert.match(s.getRun('a')?.error?.message ?? '', /process \d+ is gone/);
  // checkLiveness, polled every second, notices one without any pass.
  b.kill('SIGKILL');
  await new Promise((res) => b.once('exit', res));
  assert.equal(await s.checkLiveness?.(), true);
  assert.equal(status().b, 'crashed');
});

test('segments parsed on parse workers give the same run as in this thread', async (t) => {
  const { root } = job(t, 4);
  const inThread = (await store(t, root)).listRuns()[0];
  const saved = limits.workerBytes;
  limits.workerBytes = 0;
  t.after(() => (limits.workerBytes = saved));
  const s = await openStore({ roots: [root] });
  t.after(() => s.close());
  const report = await s.index();
  assert.ok(poolStats.partsReceived > 0, 'the pass used parse workers');
  assert.equal(report.points, Object.values(inThread.metrics).reduce((n, m) => n + m.count, 0));
  const onWorkers = s.listRuns()[0];
  assert.deepEqual(onWorkers.metrics, inThread.metrics);
  assert.deepEqual(onWorkers.ranks, inThread.ranks);
});
