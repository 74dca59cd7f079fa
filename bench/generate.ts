// Synthetic Trackside workspaces in log format v1 (docs/log-format.md), for benchmarks and cross-process tests.
// Deterministic for a given set of options, and fast: lines are built by string concatenation and each run's log
// is written with one large write, so P1's ~250 MB takes seconds, not minutes.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { prng } from '../test/fixtures/prng';
import { artifact, encodeLine, jsonNumber, params, status as statusRecord, summary } from '../test/fixtures/records';

/** Bumped whenever the bytes this file writes change, so cached workspaces are regenerated. */
const GENERATOR_VERSION = 4;

export interface GenerateOptions {
  runs: number;
  /** Metric keys per run, all logged in one `metrics` record per step. */
  metrics: number;
  steps: number;
  seed?: number;
  /** A `system` record (2 values) every this many steps; 0 for none. */
  systemEvery?: number;
  /** A `heartbeat` record every this many steps; 0 for none. */
  heartbeatEvery?: number;
  /** Share of runs whose loss diverges to NaN / ±Inf part way (0..1). */
  divergeRate?: number;
  /** Share of runs that leave out `step` (automatic steps, as other writers may). */
  autoStepRate?: number;
  project?: string;
}

export interface GeneratedRun {
  id: string;
  file: string;
  bytes: number;
  lines: number;
  /** Points in `metrics` records (one per key per step). */
  metricPoints: number;
  /** Points in `system` records. */
  systemPoints: number;
  status: 'finished' | 'failed' | 'killed' | 'running';
  lastStep: number;
}

export interface GeneratedWorkspace {
  /** The folder holding `runs/`: what the store takes as a root. */
  root: string;
  options: Required<GenerateOptions>;
  runs: GeneratedRun[];
  metricKeys: string[];
  bytes: number;
  lines: number;
  metricPoints: number;
  systemPoints: number;
  /** Wall-clock time spent writing; 0 when the workspace came from the cache. */
  generateMs: number;
}

const BASE_TIME_S = 1767225600; // 2026-01-01T00:00:00Z: fixed, so output does not depend on today's date.
const STEP_SECONDS = 0.05;
const NAMED_KEYS = ['train/loss', 'val/loss', 'train/acc', 'val/acc', 'lr', 'grad_norm', 'throughput', 'train/perplexity'];
const TAG_POOL = ['baseline', 'sweep', 'ablation', 'fp16', 'big-batch', 'debug', 'résumé', 'prod'];
const OPTIMIZERS = ['adam', 'adamw', 'sgd', 'lion'];

export function withDefaults(o: GenerateOptions): Required<GenerateOptions> {
  return {
    runs: o.runs,
    metrics: o.metrics,
    steps: o.steps,
    seed: o.seed ?? 1,
    systemEvery: o.systemEvery ?? 100,
    heartbeatEvery: o.heartbeatEvery ?? 200,
    divergeRate: o.divergeRate ?? 0.02,
    autoStepRate: o.autoStepRate ?? 0.05,
    project: o.project ?? 'bench',
  };
}

export function metricKeysFor(count: number): string[] {
  const keys: string[] = [];
  for (let k = 0; k < count; k++) keys.push(k < NAMED_KEYS.length ? NAMED_KEYS[k] : `extra/metric_${k}`);
  return keys;
}

function hex(rand: () => number, digits: number): string {
  let s = '';
  for (let i = 0; i < digits; i++) s += ((rand() * 16) | 0).toString(16);
  return s;
}

function runId(index: number, rand: () => number): string {
  const d = new Date((BASE_TIME_S + index * 600) * 1000);
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}-${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`;
  return `${stamp}-${hex(rand, 8)}`;
}

/** A metric value, fractions cut to six significant digits to keep logs realistic in size. */
function num(v: number): string {
  return Number.isFinite(v) && v !== Math.trunc(v) ? v.toPrecision(6) : jsonNumber(v);
}

interface Curve {
  scale: number;
  tau: number;
  floor: number;
  noise: number;
  lr: number;
  /** Step from which the loss is NaN (or Inf at exactly this step); Infinity when the run never diverges. */
  divergeAt: number;
}

function metricValue(key: number, step: number, steps: number, c: Curve, rand: () => number): number {
  const n = (rand() - 0.5) * 2 * c.noise;
  const loss = c.scale * Math.exp(-step / c.tau) + c.floor;
  switch (key) {
    case 0:
      if (step === c.divergeAt) return Infinity;
      if (step > c.divergeAt) return NaN;
      return loss * (1 + n);
    case 1:
      if (step > c.divergeAt) return -Infinity;
      return loss * 1.08 * (1 + n / 2);
    case 2:
      return Math.min(1, Math.max(0, 1 - loss / (c.scale + c.floor) + n / 10));
    case 3:
      return Math.min(1, Math.max(0, 0.97 - loss / (c.scale + c.floor) + n / 12));
    case 4:
      return c.lr * 0.5 * (1 + Math.cos((Math.PI * step) / Math.max(1, steps)));
    case 5:
      return Math.exp(n * 3) * (1 + 4 * Math.exp(-step / c.tau));
    case 6:
      return Math.round(1200 + 300 * n);
    case 7:
      return Math.exp(Math.min(loss * (1 + n), 50));
    default:
      return Math.sin(step / (50 + key)) * 0.5 + key + n;
  }
}

function runLog(index: number, o: Required<GenerateOptions>, keys: string[]): { id: string; text: string; run: Omit<GeneratedRun, 'file' | 'bytes'> } {
  const rand = prng((o.seed * 1_000_003 + index * 7919) >>> 0);
  const id = runId(index, rand);
  const t0 = BASE_TIME_S + index * 600;
  const curve: Curve = {
    scale: 1.5 + rand() * 2,
    tau: Math.max(5, o.steps * (0.1 + rand() * 0.4)),
    floor: 0.05 + rand() * 0.3,
    noise: 0.02 + rand() * 0.08,
    lr: [1e-4, 3e-4, 1e-3, 3e-3, 1e-2][(rand() * 5) | 0],
    divergeAt: rand() < o.divergeRate ? Math.floor(o.steps * (0.3 + rand() * 0.5)) : Infinity,
  };
  const autoStep = rand() < o.autoStepRate;
  const roll = rand();
  const status: GeneratedRun['status'] = roll < 0.85 ? 'finished' : roll < 0.92 ? 'failed' : roll < 0.95 ? 'killed' : 'running';
  const tags = TAG_POOL.filter(() => rand() < 0.2);
  const optimizer = OPTIMIZERS[(rand() * OPTIMIZERS.length) | 0];
  const layers = 2 + ((rand() * 6) | 0);

  const out: string[] = [];
  // Its fields in the bench's own order, not the logger's: the order is part of the bytes cached workspaces hold.
  out.push(JSON.stringify({
    t: 'start', ts: t0, v: 1, id, name: `${optimizer}-l${layers}-${index}`, project: o.project,
    group: `sweep-${index % 10}`, tags, notes: index % 17 === 0 ? 'Quotes "β", a tab\t and an emoji 🚀 — survive.' : undefined,
    argv: ['train.py', '--lr', String(curve.lr), '--layers', String(layers)], cwd: '/work/project', executable: '/usr/bin/python3',
    env: {
      git: { commit: hex(rand, 40), branch: index % 3 === 0 ? 'main' : `exp/${optimizer}`, dirty: index % 4 === 0 },
      python: { version: '3.11.7', executable: '/usr/bin/python3' }, os: 'Linux-6.1-x86_64', hostname: `gpu-${index % 8}`, seed: index,
    },
  }));
  out.push(encodeLine(params({
    optimizer: { name: optimizer, lr: curve.lr, betas: [0.9, 0.999], weight_decay: index % 2 ? 0.01 : 0 },
    model: { layers, width: 64 << ((rand() * 4) | 0), dropout: Math.round(rand() * 50) / 100, activation: index % 2 ? 'gelu' : 'relu' },
    data: { name: 'synthetic', batch_size: 32 << ((rand() * 3) | 0), shuffle: true },
    seed: index, use_amp: index % 3 === 0, schedule: null,
  }, { ts: t0 + 0.01 })));

  let lines = 2;
  let systemPoints = 0;
  // Every run logs all its steps, whatever its status, so N × K × S is exactly the point count the targets name.
  const lastStep = o.steps - 1;
  const stepsWritten = lastStep + 1;
  // One buffer of lines per run; joined once, so the cost is proportional to bytes, not to string copies.
  for (let s = 0; s <= lastStep; s++) {
    const ts = t0 + 1 + s * STEP_SECONDS;
    let line = autoStep ? `{"t":"metrics","ts":${ts.toFixed(3)},"values":{` : `{"t":"metrics","ts":${ts.toFixed(3)},"step":${s},"values":{`;
    for (let k = 0; k < keys.length; k++) {
      line += (k ? ',"' : '"') + keys[k] + '":' + num(metricValue(k, s, o.steps, curve, rand));
    }
    out.push(line + '}}');
    lines++;
    if (o.systemEvery && s % o.systemEvery === 0) {
      out.push(`{"t":"system","ts":${ts.toFixed(3)},"values":{"cpu_percent":${num(Math.round(rand() * 1000) / 10)},"memory_mb":${num(2048 + Math.round(rand() * 512))}}}`);
      systemPoints += 2;
      lines++;
    }
    if (o.heartbeatEvery && s % o.heartbeatEvery === o.heartbeatEvery - 1) {
      out.push(`{"t":"heartbeat","ts":${ts.toFixed(3)}}`);
      lines++;
    }
  }
  const tEnd = t0 + 1 + stepsWritten * STEP_SECONDS;
  if (status !== 'running') {
    out.push(encodeLine(summary({ best_val_acc: Math.round((0.7 + rand() * 0.29) * 1e4) / 1e4, epochs: 10, checkpoint: 'artifacts/model.pt' }, tEnd)));
    out.push(encodeLine(artifact('artifacts/model.pt', { ts: tEnd, kind: 'model', size: 1 + ((rand() * 1e8) | 0), sha256: hex(rand, 64) })));
    lines += 2;
  }
  if (status === 'finished') out.push(encodeLine(statusRecord(status, { ts: tEnd })));
  if (status === 'killed') out.push(encodeLine(statusRecord(status, { ts: tEnd, exitCode: -15 })));
  if (status === 'failed') {
    out.push(encodeLine(statusRecord(status, {
      ts: tEnd,
      error: { type: 'RuntimeError', message: 'CUDA out of memory. Tried to allocate 2.00 GiB', traceback: 'Traceback (most recent call last):\n  File "train.py", line 88, in <module>\n    loss.backward()\nRuntimeError: CUDA out of memory.' },
    })));
  }
  if (status !== 'running') lines++;
  out.push('');
  return { id, text: out.join('\n'), run: { id, lines, metricPoints: stepsWritten * keys.length, systemPoints, status, lastStep } };
}

/** Writes a workspace into `root` (which must not hold one already) and returns its manifest. */
export function generateWorkspace(options: GenerateOptions, root: string): GeneratedWorkspace {
  const o = withDefaults(options);
  const started = performance.now();
  const keys = metricKeysFor(o.metrics);
  const runs: GeneratedRun[] = [];
  for (let i = 0; i < o.runs; i++) {
    const { id, text, run } = runLog(i, o, keys);
    const dir = join(root, 'runs', id);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'events.jsonl');
    const buf = Buffer.from(text, 'utf8');
    writeFileSync(file, buf);
    runs.push({ ...run, file, bytes: buf.length });
  }
  const ws: GeneratedWorkspace = {
    root, options: o, runs, metricKeys: keys,
    bytes: runs.reduce((a, r) => a + r.bytes, 0),
    lines: runs.reduce((a, r) => a + r.lines, 0),
    metricPoints: runs.reduce((a, r) => a + r.metricPoints, 0),
    systemPoints: runs.reduce((a, r) => a + r.systemPoints, 0),
    generateMs: 0,
  };
  ws.generateMs = performance.now() - started;
  return ws;
}

export const WORK_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '.work');

export function cacheKey(options: GenerateOptions): string {
  const o = withDefaults(options);
  const digest = createHash('sha256').update(JSON.stringify([GENERATOR_VERSION, o])).digest('hex').slice(0, 10);
  return `ws-${o.runs}x${o.metrics}x${o.steps}-${digest}`;
}

/**
 * The cached workspace for these options, generated when missing or when any log's size no longer matches the
 * manifest (a crashed benchmark that appended to a log, say). Generation goes to a temp folder renamed into place,
 * so an interrupted run never leaves a half-written workspace that looks complete.
 */
export function ensureWorkspace(options: GenerateOptions, workDir = WORK_DIR): GeneratedWorkspace {
  const dir = join(workDir, cacheKey(options));
  const manifestPath = join(dir, 'manifest.json');
  if (existsSync(manifestPath)) {
    try {
      const ws = JSON.parse(readFileSync(manifestPath, 'utf8')) as GeneratedWorkspace;
      ws.root = join(dir, 'root');
      ws.runs = ws.runs.map((r) => ({ ...r, file: join(ws.root, 'runs', r.id, 'events.jsonl') }));
      if (ws.runs.every((r) => statSync(r.file, { throwIfNoEntry: false })?.size === r.bytes)) {
        ws.generateMs = 0;
        return ws;
      }
    } catch {
      // Unreadable manifest: regenerate below.
    }
  }
  rmSync(dir, { recursive: true, force: true });
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  const ws = generateWorkspace(options, join(tmp, 'root'));
  mkdirSync(workDir, { recursive: true });
  const rel = (f: string) => f.slice(tmp.length + 1);
  writeFileSync(join(tmp, 'manifest.json'), JSON.stringify({ ...ws, root: rel(ws.root), runs: ws.runs.map((r) => ({ ...r, file: rel(r.file) })) }));
  renameSync(tmp, dir);
  ws.root = join(dir, 'root');
  ws.runs = ws.runs.map((r) => ({ ...r, file: join(ws.root, 'runs', r.id, 'events.jsonl') }));
  return ws;
}

function cli(argv: string[]): void {
  const get = (name: string, fallback: number) => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? Number(argv[i + 1]) : fallback;
  };
  const outIdx = argv.indexOf('--out');
  const opts: GenerateOptions = { runs: get('runs', 10), metrics: get('metrics', 10), steps: get('steps', 1000), seed: get('seed', 1) };
  const ws = outIdx >= 0 ? generateWorkspace(opts, resolve(argv[outIdx + 1])) : ensureWorkspace(opts);
  console.log(`${ws.root}: ${ws.runs.length} runs, ${(ws.metricPoints / 1e6).toFixed(2)} M points, ${(ws.bytes / 1e6).toFixed(1)} MB` +
    (ws.generateMs ? ` in ${(ws.generateMs / 1000).toFixed(2)} s` : ' (cached)'));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) cli(process.argv.slice(2));
