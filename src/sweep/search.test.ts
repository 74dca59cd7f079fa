import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSweep } from './spec';
import { gridSize, makeSearcher, type Observation } from './search';
import { configKey, type Params, type Space } from './space';

function space(yaml: string, method = 'random'): Space {
  return parseSweep(`program: t.py\nmethod: ${method}\nmetric: {name: loss}\nparameters:\n${yaml}`, 's.yaml').space;
}

/** Runs a searcher sequentially (or `batch` proposals at a time, as concurrency does) against `f`. */
function drive(method: 'grid' | 'random' | 'bayes', sp: Space, seed: number, budget: number, f: (p: Params) => number, batch = 1, multivariate = true): Observation[] {
  const s = makeSearcher(method, sp, seed, { multivariate });
  const history: Observation[] = [];
  const taken = new Set<string>();
  let trial = 0;
  while (trial < budget) {
    const pending: Params[] = [];
    for (let b = 0; b < batch && trial < budget; b++, trial++) {
      const p = s.propose({ trial, history, pending, taken });
      if (p === undefined) return history;
      assert.ok(!taken.has(configKey(p)), `trial ${trial} repeats ${configKey(p)} (seed ${seed})`);
      taken.add(configKey(p));
      pending.push(p);
    }
    for (const p of pending) history.push({ params: p, loss: f(p) });
  }
  return history;
}

test('grid enumerates the exact product, nested and quantized parameters included, then stops', () => {
  const sp = space('  a: {values: [x, y]}\n  n: {min: 1, max: 3}\n  q: {distribution: q_uniform, min: 0, max: 0.3, q: 0.1}\n  o:\n    parameters:\n      c: {value: 5}\n', 'grid');
  assert.equal(gridSize(sp), 2 * 3 * 4);
  const got = drive('grid', sp, 0, 100, () => 0).map((o) => o.params);
  assert.equal(got.length, 24);
  assert.deepEqual(got[0], { a: 'x', n: 1, q: 0, 'o.c': 5 });
  assert.deepEqual(got[1], { a: 'x', n: 1, q: 0.1, 'o.c': 5 });
  assert.deepEqual(got[3], { a: 'x', n: 1, q: 0.3, 'o.c': 5 });
  assert.deepEqual(got[23], { a: 'y', n: 3, q: 0.3, 'o.c': 5 });
  assert.equal(new Set(got.map(configKey)).size, 24);
});

test('random is deterministic for a seed, respects ranges, scales and probabilities', () => {
  const sp = space('  lr: {distribution: log_uniform_values, min: 0.0001, max: 1}\n  n: {distribution: int_uniform, min: 2, max: 5}\n  c: {values: [a, b], probabilities: [0.9, 0.1]}\n  m: {distribution: normal, mu: 10, sigma: 1}\n');
  const a = drive('random', sp, 3, 400, () => 0).map((o) => o.params);
  const b = drive('random', sp, 3, 400, () => 0).map((o) => o.params);
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, drive('random', sp, 4, 400, () => 0).map((o) => o.params));
  const lrs = a.map((p) => p.lr as number);
  assert.ok(lrs.every((x) => x >= 0.0001 && x <= 1));
  // Log-uniform: about a quarter of draws in each decade of four.
  const below = lrs.filter((x) => x < 0.01).length / lrs.length;
  assert.ok(below > 0.4 && below < 0.6, `log scale: ${below} below 1e-2`);
  assert.deepEqual([...new Set(a.map((p) => p.n))].sort(), [2, 3, 4, 5]);
  const share = a.filter((p) => p.c === 'a').length / a.length;
  assert.ok(share > 0.85 && share < 0.95, `probabilities: ${share}`);
  const mean = a.reduce((s, p) => s + (p.m as number), 0) / a.length;
  assert.ok(Math.abs(mean - 10) < 0.2, `normal mean ${mean}`);
});

test('random over a finite space stops when every configuration was taken', () => {
  const got = drive('random', space('  a: {values: [1, 2, 3]}\n  b: {values: [true, false]}\n'), 1, 50, () => 0);
  assert.equal(got.length, 6);
});

function branin(p: Params): number {
  const x = p.x as number;
  const y = p.y as number;
  const b = 5.1 / (4 * Math.PI * Math.PI);
  return (y - b * x * x + (5 / Math.PI) * x - 6) ** 2 + 10 * (1 - 1 / (8 * Math.PI)) * Math.cos(x) + 10;
}

test('bayes (TPE) is deterministic and beats random on Branin at the same budget (median of 9 seeds)', () => {
  const sp = space('  x: {min: -5.0, max: 10.0}\n  y: {min: 0.0, max: 15.0}\n', 'bayes');
  const best = (h: Observation[]): number => Math.min(...h.map((o) => o.loss as number));
  assert.deepEqual(drive('bayes', sp, 5, 30, branin), drive('bayes', sp, 5, 30, branin));
  const tpe: number[] = [];
  const independent: number[] = [];
  const rnd: number[] = [];
  for (let seed = 0; seed < 9; seed++) {
    tpe.push(best(drive('bayes', sp, seed, 60, branin)));
    independent.push(best(drive('bayes', sp, seed, 60, branin, 1, false)));
    rnd.push(best(drive('random', sp, seed, 60, branin)));
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  assert.ok(median(tpe) < median(rnd), `TPE median ${median(tpe)} vs random ${median(rnd)}`);
  assert.ok(median(independent) < median(rnd), `independent TPE median ${median(independent)} vs random ${median(rnd)}`);
  assert.ok(median(tpe) - 0.397887 < 0.5, `TPE regret ${median(tpe) - 0.397887}`);
});

test('bayes handles log scales, integers, categoricals and nested keys, and finds the good category', () => {
  const sp = space('  lr: {distribution: log_uniform_values, min: 0.00001, max: 1}\n  n: {min: 1, max: 8}\n  opt:\n    parameters:\n      kind: {values: [sgd, adam, rms]}\n', 'bayes');
  const f = (p: Params): number => (Math.log10(p.lr as number) + 3) ** 2 + ((p.n as number) - 6) ** 2 / 4 + (p['opt.kind'] === 'adam' ? 0 : 3);
  const h = drive('bayes', sp, 11, 60, f);
  assert.ok(h.every((o) => Number.isInteger(o.params.n) && (o.params.lr as number) >= 0.00001 && (o.params.lr as number) <= 1));
  const late = h.slice(30).filter((o) => o.params['opt.kind'] === 'adam').length;
  assert.ok(late >= 18, `adam chosen ${late}/30 times once the model is on`);
  assert.ok(Math.min(...h.map((o) => o.loss as number)) < 0.5);
});

test('parallel TPE proposals (constant liar) never repeat a point, even in a small discrete space', () => {
  const sp = space('  a: {min: 1, max: 4}\n  b: {values: [x, y, z]}\n', 'bayes');
  const h = drive('bayes', sp, 2, 12, (p) => (p.a as number) + (p.b === 'x' ? 0 : 1), 4);
  assert.equal(h.length, 12);
  assert.equal(new Set(h.map((o) => configKey(o.params))).size, 12);
  const all = drive('bayes', sp, 2, 100, (p) => (p.a as number) + (p.b === 'x' ? 0 : 1), 4);
  assert.equal(all.length, 12, 'the whole space, each point once, then no more proposals');
});

test('warm start: past observations (even lacking a parameter) steer TPE from its first proposal', () => {
  const sp = space('  x: {min: 0.0, max: 1.0}\n  y: {min: 0.0, max: 1.0}\n', 'bayes');
  const history: Observation[] = [];
  for (let i = 0; i < 40; i++) {
    const x = i / 39;
    history.push({ params: i % 2 === 0 ? { x, y: 0.5 } : { x }, loss: Math.abs(x - 0.8) });
  }
  const s = makeSearcher('bayes', sp, 1);
  const xs: number[] = [];
  for (let t = 0; t < 10; t++) xs.push(s.propose({ trial: t, history, pending: [], taken: new Set() })?.x as number);
  const near = xs.filter((x) => Math.abs(x - 0.8) < 0.15).length;
  assert.ok(near >= 7, `proposals near the warm optimum: ${near}/10 (${xs.map((x) => x.toFixed(2)).join(', ')})`);
});
