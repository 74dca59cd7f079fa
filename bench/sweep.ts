// The sweep bench (issue 13): search quality of Trackside's TPE against random search and Optuna's TPESampler
// (Debian's python3-optuna, same run) on standard test functions, ASHA's saving in trial-steps, proposal time at
// 1,000 past trials, and the controller's overhead per trial against starting the same program directly.
//
//   npx tsx bench/sweep.ts [--seeds 20] [--budget 100] [--quick] [--no-optuna] [--quality-only | --overhead-only] [--json]
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { makeSearcher, type Observation } from '../src/sweep/search';
import { parseSweep } from '../src/sweep/spec';
import { configKey, type Params, type Space } from '../src/sweep/space';
import { Asha, rungs } from '../src/sweep/hyperband';
import { runSweep } from '../src/sweep/controller';
import { rng } from '../src/sweep/rng';
import { logText, metrics, start, status } from '../test/fixtures/records';

const REPO = resolve(__dirname, '..');

type BenchDim = { key: string; kind: 'float'; min: number; max: number; log?: boolean } | { key: string; kind: 'int'; min: number; max: number } | { key: string; kind: 'cat'; values: string[] };

interface Problem {
  name: string;
  dims: BenchDim[];
  f: (p: Params) => number;
  optimum: number;
  probe: Params;
}

const H_A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]];
const H_C = [1.0, 1.2, 3.0, 3.2];
const H_P = [[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991], [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]];
const OFFSET: Record<string, number> = { a: 2, b: 0, c: 1, d: 3 };

const PROBLEMS: Problem[] = [
  {
    name: 'branin',
    dims: [{ key: 'x', kind: 'float', min: -5, max: 10 }, { key: 'y', kind: 'float', min: 0, max: 15 }],
    f: (p) => {
      const x = p.x as number;
      const y = p.y as number;
      const b = 5.1 / (4 * Math.PI ** 2);
      return (y - b * x * x + (5 / Math.PI) * x - 6) ** 2 + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x) + 10;
    },
    optimum: 0.397887,
    probe: { x: 1.5, y: 2.5 },
  },
  {
    name: 'hartmann6',
    dims: Array.from({ length: 6 }, (_, i) => ({ key: `x${i}`, kind: 'float' as const, min: 0, max: 1 })),
    f: (p) => {
      let total = 0;
      for (let i = 0; i < 4; i++) {
        let inner = 0;
        for (let j = 0; j < 6; j++) inner += H_A[i][j] * ((p[`x${j}`] as number) - H_P[i][j] * 1e-4) ** 2;
        total += H_C[i] * Math.exp(-inner);
      }
      return -total;
    },
    optimum: -3.32237,
    probe: { x0: 0.2, x1: 0.15, x2: 0.48, x3: 0.27, x4: 0.31, x5: 0.66 },
  },
  {
    name: 'rosenbrock',
    dims: Array.from({ length: 4 }, (_, i) => ({ key: `x${i}`, kind: 'float' as const, min: -2, max: 2 })),
    f: (p) => {
      let s = 0;
      for (let i = 0; i < 3; i++) s += 100 * ((p[`x${i + 1}`] as number) - (p[`x${i}`] as number) ** 2) ** 2 + (1 - (p[`x${i}`] as number)) ** 2;
      return s;
    },
    optimum: 0,
    probe: { x0: 0.5, x1: -0.5, x2: 1.5, x3: 0.1 },
  },
  {
    name: 'mixed',
    dims: [
      { key: 'x', kind: 'float', min: -5, max: 5 },
      { key: 'n', kind: 'int', min: 0, max: 10 },
      { key: 'kind', kind: 'cat', values: ['a', 'b', 'c', 'd'] },
      { key: 'lr', kind: 'float', min: 1e-5, max: 1, log: true },
    ],
    f: (p) => ((p.x as number) - 1) ** 2 + ((p.n as number) - 7) ** 2 / 10 + OFFSET[p.kind as string] + (Math.log10(p.lr as number) + 3) ** 2,
    optimum: 0,
    probe: { x: 0.5, n: 3, kind: 'c', lr: 0.01 },
  },
];

function spaceOf(p: Problem, method: string): Space {
  const lines = ['program: t.py', `method: ${method}`, 'metric: {name: y}', 'parameters:'];
  for (const d of p.dims) {
    if (d.kind === 'cat') lines.push(`  ${d.key}: {values: [${d.values.join(', ')}]}`);
    else if (d.kind === 'int') lines.push(`  ${d.key}: {distribution: int_uniform, min: ${d.min}, max: ${d.max}}`);
    else lines.push(`  ${d.key}: {distribution: ${d.log ? 'log_uniform_values' : 'uniform'}, min: ${d.min}, max: ${d.max}}`);
  }
  return parseSweep(lines.join('\n'), `${p.name}.yaml`).space;
}

function bestOf(method: 'random' | 'bayes', p: Problem, seed: number, budget: number): number {
  const searcher = makeSearcher(method, spaceOf(p, method), seed);
  const history: Observation[] = [];
  const taken = new Set<string>();
  let best = Infinity;
  for (let trial = 0; trial < budget; trial++) {
    const params = searcher.propose({ trial, history, pending: [], taken });
    if (!params) break;
    taken.add(configKey(params));
    const y = p.f(params);
    history.push({ params, loss: y });
    best = Math.min(best, y);
  }
  return best;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function optuna(seeds: number, budget: number, multivariate: boolean): { results: Record<string, number[]>; probes: Record<string, number>; version: string; ms: Record<string, number> } | string {
  const input = JSON.stringify({
    seeds, budget, multivariate,
    problems: PROBLEMS.map((p) => ({ name: p.name, probe: p.probe, dims: p.dims.map((d) => (d.kind === 'cat' ? { key: d.key, kind: 'categorical', values: d.values } : d)) })),
  });
  const r = spawnSync('/usr/bin/python3', [join(REPO, 'bench', 'sweep_optuna.py')], { input, encoding: 'utf8', maxBuffer: 1 << 24, env: { ...process.env, OMP_NUM_THREADS: '1' } });
  if (r.status !== 0) return `optuna could not run: ${(r.stderr || r.error?.message || '').trim().split('\n').pop()}`;
  const out = JSON.parse(r.stdout) as { results: Record<string, number[]>; probes: Record<string, number>; version: string; ms_per_trial: Record<string, number> };
  return { results: out.results, probes: out.probes, version: out.version, ms: out.ms_per_trial };
}

/** Proposal time with 1,000 finished trials in the history (and 4 running: the constant liar's points). */
function proposalMs(p: Problem): number {
  const space = spaceOf(p, 'bayes');
  const r = rng(99);
  const history: Observation[] = [];
  const random = makeSearcher('random', space, 5);
  for (let i = 0; i < 1000; i++) {
    const params = random.propose({ trial: i, history: [], pending: [], taken: new Set() }) as Params;
    history.push({ params, loss: p.f(params) + r.next() * 1e-9 });
  }
  const pending = history.slice(0, 4).map((o) => o.params);
  const taken = new Set(history.map((o) => configKey(o.params)));
  const tpe = makeSearcher('bayes', space, 1);
  const times: number[] = [];
  for (let i = 0; i < 15; i++) {
    const t0 = performance.now();
    tpe.propose({ trial: 1000 + i, history, pending, taken });
    times.push(performance.now() - t0);
  }
  return median(times.slice(3));
}

/**
 * ASHA's saving on synthetic learning curves (loss = final + gap/√step, 81 steps), 60 random trials one at a time:
 * trial-steps spent and best final loss, with and without early termination, median over seeds.
 */
function ashaSaving(seeds: number): { steps: number; stepsAll: number; best: number; bestAll: number; sameBest: number } {
  const maxSteps = 81;
  const savings: number[] = [];
  const stepsA: number[] = [];
  const stepsF: number[] = [];
  const bestA: number[] = [];
  const bestF: number[] = [];
  let sameBest = 0;
  for (let seed = 0; seed < seeds; seed++) {
    const r = rng(1000 + seed);
    const asha = new Asha(rungs({ type: 'hyperband', minIter: 3, eta: 3 }), 3, 'minimize');
    let steps = 0;
    let best = Infinity;
    let bestAll = Infinity;
    for (let t = 0; t < 60; t++) {
      const final = r.next() * 10;
      const gap = 1 + r.next() * 4;
      const xs: number[] = [];
      const ys: number[] = [];
      let stopped = false;
      for (let s = 1; s <= maxSteps; s++) {
        xs.push(s);
        ys.push(final + gap / Math.sqrt(s));
        if (!stopped && asha.observe(t, xs, ys).stop) {
          stopped = true;
          steps += s;
        }
      }
      if (!stopped) {
        steps += maxSteps;
        best = Math.min(best, ys[ys.length - 1]);
      }
      bestAll = Math.min(bestAll, ys[ys.length - 1]);
    }
    stepsA.push(steps);
    stepsF.push(60 * maxSteps);
    bestA.push(best);
    bestF.push(bestAll);
    if (best === bestAll) sameBest++;
    savings.push(1 - steps / (60 * maxSteps));
  }
  return { steps: median(stepsA), stepsAll: median(stepsF), best: median(bestA), bestAll: median(bestF), sameBest };
}

/**
 * The controller's cost per trial beyond the program's own start: `n` trials one at a time through the controller
 * (first launch to last end; the sweep's one-off start — sql.js, the first index pass, git — is reported apart)
 * against spawning the same command `n` times, the mean of before and after. Two programs: a shell script that
 * writes a finished run's log (starts in a few ms, so the difference is the controller's own work) and a Python
 * script using the real logger (what a user runs; its start varies by hundreds of ms on a loaded machine).
 */
async function overhead(n: number, kind: 'sh' | 'python'): Promise<{ perTrialMs: number; directMs: number; sweepMs: number; startMs: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'trackside-sweep-bench-'));
  try {
    const log = logText([start({ id: '__RUN__', name: 'tiny', tags: [], argv: ['tiny.sh'], env: {} }), metrics(0, { y: 1 }), status('finished')]).replace(/__RUN__/g, '$TRACKSIDE_RUN_ID');
    writeFileSync(join(dir, 'tiny.sh'), `d="$TRACKSIDE_DIR/runs/$TRACKSIDE_RUN_ID"\nmkdir -p "$d"\ncat > "$d/events.jsonl" <<EOF\n${log}EOF\n`);
    writeFileSync(join(dir, 'tiny.py'), 'import trackside\nrun = trackside.init()\nrun.log({"y": run.config.get("a", 0)})\nrun.finish()\n');
    const argv = kind === 'sh' ? ['sh', 'tiny.sh'] : ['python3', 'tiny.py'];
    const env = { ...process.env, PYTHONPATH: join(REPO, 'logger'), TRACKSIDE_CAPTURE_ENV: '0', TRACKSIDE_SYSTEM_METRICS: '0', TRACKSIDE_DIR: join(dir, 'direct') };
    const direct = async (): Promise<number> => {
      const t0 = performance.now();
      for (let i = 0; i < n; i++) {
        await new Promise<void>((res, rej) => {
          const c = spawn(argv[0], [...argv.slice(1), `--a=${i}`], { cwd: dir, env: { ...env, TRACKSIDE_RUN_ID: `direct-${kind}-${Math.round(t0)}-${i}` }, stdio: 'ignore' });
          c.on('exit', (code) => (code === 0 ? res() : rej(new Error(`${argv.join(' ')} exit ${code}`))));
        });
      }
      return performance.now() - t0;
    };
    const before = await direct();
    writeFileSync(join(dir, `${kind}.sweep.yaml`), `command: [${argv.join(', ')}, "\${args}"]\nmethod: grid\nmetric: {name: y}\nparameters:\n  a: {min: 0, max: ${n - 1}}\n`);
    const t1 = performance.now();
    let first = 0;
    let last = 0;
    const result = await runSweep({
      file: join(dir, `${kind}.sweep.yaml`), root: join(dir, 'root'), env: { ...env, TRACKSIDE_DIR: undefined },
      log: (line) => {
        if (first === 0 && / launched: /.test(line)) first = performance.now();
        if (/^trial \d+ finished/.test(line)) last = performance.now();
      },
    });
    if (result.launched !== n || result.failed !== 0) throw new Error(`overhead sweep: ${JSON.stringify(result)}`);
    const after = await direct();
    const directMs = (before + after) / 2;
    const sweepMs = last - first;
    return { perTrialMs: (sweepMs - directMs) / n, directMs, sweepMs, startMs: first - t1 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const opt = (name: string, def: number): number => (argv.includes(name) ? Number(argv[argv.indexOf(name) + 1]) : def);
  const quick = argv.includes('--quick');
  const seeds = opt('--seeds', quick ? 5 : 20);
  const budget = opt('--budget', quick ? 40 : 100);
  const out: Record<string, unknown> = { seeds, budget };
  const say = (s: string): void => void (argv.includes('--json') ? process.stderr : process.stdout).write(s + '\n');
  if (argv.includes('--overhead-only')) {
    for (const kind of ['sh', 'python'] as const) {
      const ov = await overhead(quick ? 8 : 20, kind);
      say(`S4 ${kind}: ${ov.perTrialMs.toFixed(1)} ms/trial (sweep ${ov.sweepMs.toFixed(0)} ms vs direct ${ov.directMs.toFixed(0)} ms; start ${ov.startMs.toFixed(0)} ms)`);
    }
    return;
  }

  const opt1 = argv.includes('--no-optuna') ? 'not run (--no-optuna)' : optuna(seeds, budget, false);
  const optM = argv.includes('--no-optuna') || typeof opt1 === 'string' ? undefined : optuna(seeds, budget, true);
  if (typeof opt1 === 'string') say(`Optuna: ${opt1}`);
  else say(`Optuna ${opt1.version} (Debian python3-optuna, /usr/bin/python3)`);
  say(`S1 search quality: median regret over ${seeds} seeds, ${budget} trials each (lower is better)`);
  say('problem       TPE        random     optuna-TPE  optuna-TPE(mv)  TPE/random  TPE/optuna');
  const quality: Record<string, unknown> = {};
  for (const p of PROBLEMS) {
    const tpe = median(Array.from({ length: seeds }, (_, s) => bestOf('bayes', p, s, budget) - p.optimum));
    const rnd = median(Array.from({ length: seeds }, (_, s) => bestOf('random', p, s, budget) - p.optimum));
    let opt: number | undefined;
    let optMv: number | undefined;
    if (typeof opt1 !== 'string') {
      if (Math.abs(opt1.probes[p.name] - p.f(p.probe)) > 1e-9) throw new Error(`${p.name}: the Python and TypeScript functions disagree at the probe point`);
      opt = median(opt1.results[p.name].map((v) => v - p.optimum));
      if (optM && typeof optM !== 'string') optMv = median(optM.results[p.name].map((v) => v - p.optimum));
    }
    quality[p.name] = { tpe, random: rnd, optuna: opt, optunaMultivariate: optMv };
    const f = (v: number | undefined): string => (v === undefined ? '—' : v.toPrecision(4)).padEnd(11);
    say(`${p.name.padEnd(13)} ${f(tpe)}${f(rnd)}${f(opt)} ${f(optMv)}    ${(tpe / rnd).toFixed(2).padEnd(11)} ${opt === undefined ? '—' : (tpe / opt).toFixed(2)}`);
  }
  out.quality = quality;
  if (typeof opt1 !== 'string') out.optunaMsPerTrial = opt1.ms;

  if (argv.includes('--quality-only')) return;
  const asha = ashaSaving(seeds);
  out.asha = asha;
  say(`S2 ASHA (eta 3, rungs 3/9/27 of 81 steps, 60 trials): ${asha.steps} trial-steps vs ${asha.stepsAll} without (${((1 - asha.steps / asha.stepsAll) * 100).toFixed(0)}% saved); same best in ${asha.sameBest}/${seeds} seeds (median best ${asha.best.toFixed(3)} vs ${asha.bestAll.toFixed(3)})`);

  const prop: Record<string, number> = {};
  for (const p of PROBLEMS) prop[p.name] = proposalMs(p);
  out.proposalMs = prop;
  say(`S3 TPE proposal at 1,000 past trials (median ms, target ≤ 50): ${Object.entries(prop).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}`);

  const n = quick ? 8 : 20;
  for (const kind of ['sh', 'python'] as const) {
    const ov = await overhead(n, kind);
    out[`overhead_${kind}`] = ov;
    say(`S4 controller overhead per trial, ${kind === 'sh' ? 'a shell script writing a finished run' : 'a Python script with the real logger'} (target ≤ 50 ms): ${ov.perTrialMs.toFixed(1)} ms (${n} trials: ${ov.sweepMs.toFixed(0)} ms through the sweep vs ${ov.directMs.toFixed(0)} ms spawned directly; ratio ${(ov.sweepMs / ov.directMs).toFixed(2)}); the sweep's one-off start ${ov.startMs.toFixed(0)} ms`);
  }
  if (argv.includes('--json')) process.stdout.write(JSON.stringify(out, null, 2) + '\n');
}

void main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
