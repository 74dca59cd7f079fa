// D1, D2: distributed runs (issue 14). D1 indexes one job of 64 ranks × 10,000 steps of system metrics (rank 0
// also logging metrics) cold, against 64 single-process runs made of the very same files: merging segments must
// cost at most 1.5× what the same bytes cost as separate runs. D2 is the time from a SIGKILL to the store saying
// crashed, polled the way the extension polls (checkLiveness() every second): target ≤ 2 s.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { openStore } from '../src/store';
import type { Figure } from './figures';
import { WORK_DIR } from './generate';
import type { Result, Task } from './protocol';

const VERSION = 1;
const MB = 1024 * 1024;
const T0 = 1_700_000_000;

export interface DistSizes {
  ranks: number;
  steps: number;
}

/** Rank `rank`'s segment as the Python logger writes it: start, system metrics every step, rank 0's metrics. */
function segmentText(rank: number, world: number, steps: number): string {
  const out: string[] = [];
  const block = { rank, world_size: world, local_rank: rank % 8, host: `node${rank >> 3}`, pid: 1000 + rank, pid_start: 5, boot_id: null, launcher: 'torchrun', job: 'bench' };
  out.push(JSON.stringify({ t: 'start', ts: T0, v: 1, id: 'bench-job', name: 'ddp', project: 'bench', tags: [], argv: ['train.py'], env: {}, rank: block }));
  if (rank === 0) out.push(JSON.stringify({ t: 'params', ts: T0, params: { lr: 0.1, world } }));
  for (let s = 0; s < steps; s++) {
    const ts = T0 + s * 0.1;
    if (rank === 0) out.push(`{"t":"metrics","ts":${ts},"step":${s},"values":{"loss":${(1 / (s + 1)).toFixed(6)},"acc":${(s / steps).toFixed(6)},"lr":0.1}}`);
    out.push(`{"t":"system","ts":${ts},"values":{"cpu_percent":${(50 + ((s * 7 + rank) % 50)).toFixed(1)},"rss_mb":${1000 + rank},"mem_percent":40.5,"load_1m":3.2}}`);
    if (s % 150 === 0) out.push(`{"t":"heartbeat","ts":${ts},"step":${s}}`);
  }
  out.push(JSON.stringify({ t: 'status', ts: T0 + steps * 0.1, status: 'finished', exit_code: 0 }));
  return out.join('\n') + '\n';
}

/** Two roots of the same bytes: one job's run folder of segments, and each segment as a run of its own. */
export function distWorkspace(o: DistSizes): { job: string; single: string; bytes: number } {
  const base = join(WORK_DIR, `dist-v${VERSION}-${o.ranks}x${o.steps}`);
  const job = join(base, 'job');
  const single = join(base, 'single');
  const done = join(base, 'done');
  if (!existsSync(done)) {
    rmSync(base, { recursive: true, force: true });
    const dir = join(job, 'runs', 'bench-job');
    mkdirSync(dir, { recursive: true });
    for (let r = 0; r < o.ranks; r++) {
      const name = r === 0 ? 'events.jsonl' : `events.rank-${r}.jsonl`;
      writeFileSync(join(dir, name), segmentText(r, o.ranks, o.steps));
      const own = join(single, 'runs', `rank-${r}`);
      mkdirSync(own, { recursive: true });
      copyFileSync(join(dir, name), join(own, 'events.jsonl'));
    }
    writeFileSync(done, '');
  }
  let bytes = 0;
  for (const name of readdirSync(join(job, 'runs', 'bench-job'))) bytes += statSync(join(job, 'runs', 'bench-job', name)).size;
  return { job, single, bytes };
}

type Child = (task: Task) => Promise<Result>;
const num = (r: Result, k: string) => Number(r[k]);

export async function benchDistributed(ids: ReadonlySet<string>, quick: boolean, figures: Figure[], child: Child, progress: (m: string) => void): Promise<void> {
  if (ids.has('D1')) await benchD1(quick ? { ranks: 16, steps: 2_000 } : { ranks: 64, steps: 10_000 }, figures, child, progress);
  if (ids.has('D2')) await benchD2(quick ? 3 : 7, figures, progress);
}

async function benchD1(o: DistSizes, figures: Figure[], child: Child, progress: (m: string) => void): Promise<void> {
  const title = `cold index of one job of ${o.ranks} ranks × ${o.steps.toLocaleString('en-US')} steps of system metrics (rank 0 also logs metrics), vs ${o.ranks} single runs of the same files`;
  try {
    const ws = distWorkspace(o);
    const rounds = 3;
    const jobs: Result[] = [];
    const singles: Result[] = [];
    for (let r = 0; r < rounds; r++) {
      progress(`  D1: ${o.ranks} single runs, then the job of ${o.ranks} ranks (fresh processes), round ${r + 1} of ${rounds}`);
      singles.push(await child({ kind: 'index', root: ws.single, dbPath: join(ws.single, 'index.db') }));
      jobs.push(await child({ kind: 'index', root: ws.job, dbPath: join(ws.job, 'index.db') }));
    }
    const ratios = jobs.map((j, i) => num(j, 'ms') / num(singles[i], 'ms'));
    const mid = ratios.map((x, i) => [x, i]).sort((a, b) => a[0] - b[0])[1][1];
    figures.push({
      id: 'D1', title,
      value: num(jobs[mid], 'ms'), unit: 'ms',
      baseline: { label: `${o.ranks} single-process runs of the same bytes`, value: num(singles[mid], 'ms'), unit: 'ms' },
      ratio: { label: 'job / single runs (cost)', value: ratios[mid], target: { op: '<=', value: 1.5 } },
      notes: [
        `rounds (job / single runs): ${jobs.map((j, i) => `${num(j, 'ms').toFixed(0)} / ${num(singles[i], 'ms').toFixed(0)} ms`).join(', ')}; the median ratio's round is reported`,
        `job: ${num(jobs[mid], 'runs')} run, ${num(jobs[mid], 'points').toLocaleString('en-US')} points; single: ${num(singles[mid], 'runs')} runs, ${num(singles[mid], 'points').toLocaleString('en-US')} points; about ${(ws.bytes / MB).toFixed(0)} MB of logs`,
      ],
    });
  } catch (e) {
    figures.push({ id: 'D1', title, error: (e as Error).message });
  }
}

const LOGGER = resolve(__dirname, '../logger');
const WRITER = `
import time, trackside
run = trackside.init(project="d2", system_metrics=False, capture_env=False)
step = 0
while True:
    run.log({"x": step}); step += 1; time.sleep(0.02)
`;

/** D2: SIGKILL a process logging a run on this machine; poll as the extension does; time until "crashed". */
async function benchD2(trials: number, figures: Figure[], progress: (m: string) => void): Promise<void> {
  const title = `crash seen on this host: SIGKILL of a logging process until listRuns() says crashed, checkLiveness() polled every 1 s (${trials} trials)`;
  const root = join(WORK_DIR, `d2-${process.pid}`);
  try {
    const latencies: number[] = [];
    const checks: number[] = [];
    for (let i = 0; i < trials; i++) {
      progress(`  D2: trial ${i + 1} of ${trials}`);
      rmSync(root, { recursive: true, force: true });
      mkdirSync(root, { recursive: true });
      const proc = spawn('python3', ['-c', WRITER], { env: { ...process.env, PYTHONPATH: LOGGER, TRACKSIDE_DIR: root }, stdio: 'ignore' });
      const store = await openStore({ roots: [root] });
      try {
        // A row can be listed while its start line (which names the writing process) is still being written:
        // wait for a step, which only follows a whole start line, or the kill would go unnoticed by design.
        for (let k = 0; k < 200 && store.listRuns()[0]?.lastStep === undefined; k++) {
          await new Promise((r) => setTimeout(r, 50));
          await store.index();
        }
        if (store.listRuns()[0]?.status !== 'running') throw new Error('the writer did not start');
        // The poll runs on its own 1 s clock; the kill lands anywhere in its period, as a real death would.
        let killedAt = 0;
        let seen = 0;
        const poll = setInterval(() => {
          const t0 = performance.now();
          void store.checkLiveness?.().then(() => {
            checks.push(performance.now() - t0);
            if (killedAt > 0 && seen === 0 && store.listRuns()[0]?.status === 'crashed') seen = performance.now();
          });
        }, 1000);
        await new Promise((r) => setTimeout(r, 300 + Math.random() * 1000));
        proc.kill('SIGKILL');
        await new Promise((r) => proc.once('exit', r));
        killedAt = performance.now();
        const deadline = killedAt + 10_000;
        while (seen === 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
        clearInterval(poll);
        if (seen === 0) throw new Error('not seen crashed within 10 s');
        latencies.push(seen - killedAt);
      } finally {
        proc.kill('SIGKILL');
        await store.close();
      }
    }
    latencies.sort((a, b) => a - b);
    checks.sort((a, b) => a - b);
    figures.push({
      id: 'D2', title,
      value: latencies[latencies.length - 1], unit: 'ms', target: { op: '<=', value: 2000 },
      notes: [
        `worst of ${trials}; median ${latencies[Math.floor(latencies.length / 2)].toFixed(0)} ms; all: ${latencies.map((x) => x.toFixed(0)).join(', ')} ms`,
        `one checkLiveness() with a live writer: median ${checks[Math.floor(checks.length / 2)].toFixed(2)} ms (reads /proc only; no log opened) on ${hostname()}`,
      ],
    });
  } catch (e) {
    figures.push({ id: 'D2', title, error: (e as Error).message });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
