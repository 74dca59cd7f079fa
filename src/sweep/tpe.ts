// Tree-structured Parzen Estimator (Bergstra et al. 2011), multivariate by default (independent per parameter as an
// option): observations are split by loss into the
// best gamma(n) ("good", l) and the rest ("bad", g); each set becomes a mixture with one product kernel per
// observation (a truncated Gaussian per number in its latent scale, so log-scaled parameters are searched in logs,
// a peaked distribution per categorical) plus the prior; candidates drawn from l are scored by log l - log g, the
// ratio that orders expected improvement. Parallel proposals use the constant liar: running trials join the bad
// set at the worst loss seen, and a candidate equal to any taken configuration is never chosen.
import { configKey, samplePrior, sameValue, toLatent, toValue, type CategoricalDim, type Dim, type NumberDim, type Params, type Space, type Value } from './space';
import { gaussian, mixSeed, pickWeighted, rng, type Rng } from './rng';
import type { ProposeInput } from './search';

export interface TpeOptions {
  /** Random proposals before the model takes over. */
  startup: number;
  /** Candidates drawn from l per proposal. */
  candidates: number;
  /** Size of the good set for n observations. */
  gamma: (n: number) => number;
  /** Weight of the prior component relative to one observation. */
  priorWeight: number;
  /** One joint model over all parameters (true), or one per parameter, each chosen on its own (false). */
  multivariate: boolean;
  /**
   * Kernel widths of the joint model: each point's larger gap to its neighbours per parameter (adaptive, narrow
   * where good points crowd), or Scott's rule (one width per parameter, as Optuna's multivariate TPE). Neighbours
   * measured better on the bench (bench/sweep.ts) at 40 and 100 trials.
   */
  bandwidth: 'neighbours' | 'scott';
}

export const TPE_DEFAULTS: TpeOptions = {
  startup: 10,
  candidates: 24,
  gamma: (n) => Math.min(Math.ceil(0.1 * n), 25),
  priorWeight: 1,
  multivariate: true,
  bandwidth: 'neighbours',
};

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

interface NumberKernel {
  mu: number;
  sigma: number;
  /** log of the kernel's mass inside the bounds (truncation). */
  logMass: number;
}

interface Estimator {
  /** The prior's share per category in a categorical kernel (Optuna's spreading: 1 on the observed value, eps on each). */
  eps: number;
  /** Per component: per dimension, the kernel (undefined for a constant or a value the observation lacks: the prior). */
  weights: number[];
  components: Array<Array<NumberKernel | number | undefined>>;
}

export function tpePropose(space: Space, seed: number, input: ProposeInput, options: Partial<TpeOptions> = {}): Params | undefined {
  const opts = { ...TPE_DEFAULTS, ...options };
  const r = rng(mixSeed(seed, input.trial));
  const done = input.history.filter((o): o is { params: Params; loss: number } => o.loss !== undefined && Number.isFinite(o.loss));
  if (done.length < opts.startup) return randomUntaken(space, r, input.taken);

  const sorted = done.map((o, i) => ({ ...o, i })).sort((a, b) => a.loss - b.loss || a.i - b.i);
  const nGood = Math.max(1, Math.min(opts.gamma(sorted.length), sorted.length - 1));
  const good = sorted.slice(0, nGood).sort((a, b) => a.i - b.i).map((o) => o.params);
  // The constant liar: what runs now is assumed as bad as the worst result, so l keeps away from it.
  const bad = [...sorted.slice(nGood).sort((a, b) => a.i - b.i).map((o) => o.params), ...input.pending];
  const dims = space.dims;
  if (!opts.multivariate) {
    const models = dims.map((d) => ({ d: [d], l: estimator([d], good, opts.priorWeight, true), g: estimator([d], bad, opts.priorWeight, true) }));
    for (let round = 0; round < 8; round++) {
      let params: Params = {};
      for (const m of models) {
        let best: { z: Latent; score: number } | undefined;
        for (let c = 0; c < opts.candidates; c++) {
          const z = sampleFrom(m.d, m.l, r);
          const score = logDensity(m.d, m.l, z) - logDensity(m.d, m.g, z);
          if (!best || score > best.score) best = { z, score };
        }
        params = { ...params, ...toParams(m.d, (best as { z: Latent }).z) };
      }
      if (!input.taken.has(configKey(params))) return params;
    }
    return randomUntaken(space, r, input.taken);
  }
  const l = estimator(dims, good, opts.priorWeight, opts.bandwidth === 'neighbours');
  const g = estimator(dims, bad, opts.priorWeight, opts.bandwidth === 'neighbours');
  for (let round = 0; round < 8; round++) {
    const scored: Array<{ params: Params; score: number }> = [];
    for (let c = 0; c < opts.candidates; c++) {
      const z = sampleFrom(dims, l, r);
      scored.push({ params: toParams(dims, z), score: logDensity(dims, l, z) - logDensity(dims, g, z) });
    }
    scored.sort((a, b) => b.score - a.score);
    const pick = scored.find((s) => !input.taken.has(configKey(s.params)));
    if (pick) return pick.params;
  }
  return randomUntaken(space, r, input.taken);
}

function randomUntaken(space: Space, r: Rng, taken: ReadonlySet<string>): Params | undefined {
  for (let attempt = 0; attempt < 10_000; attempt++) {
    const p = samplePrior(space, r);
    if (!taken.has(configKey(p))) return p;
  }
  return undefined;
}

/** The latent coordinate per dimension: z for numbers, the value index for categoricals. */
type Latent = Array<number | undefined>;

function latentOf(d: Dim, x: Value | undefined): number | undefined {
  if (x === undefined) return undefined;
  if (d.kind === 'number') return typeof x === 'number' && Number.isFinite(x) && (d.scale === 'linear' || x > 0) ? toLatent(d, x) : undefined;
  if (d.kind === 'categorical') {
    const i = d.values.findIndex((v) => sameValue(v, x));
    return i < 0 ? undefined : i;
  }
  return undefined;
}

function toParams(dims: readonly Dim[], z: Latent): Params {
  const out: Params = {};
  dims.forEach((d, i) => {
    if (d.kind === 'constant') out[d.key] = d.value;
    else if (d.kind === 'categorical') out[d.key] = d.values[z[i] as number];
    else out[d.key] = toValue(d, z[i] as number);
  });
  return out;
}

/** Bounds used for bandwidths (and truncation when bounded): unbounded normals get mu ± 3 sigma for scale only. */
function span(d: NumberDim): [number, number] {
  return d.bounded ? [d.lo, d.hi] : [d.mu - 3 * d.sigma, d.mu + 3 * d.sigma];
}

function estimator(dims: readonly Dim[], points: readonly Params[], priorWeight: number, neighbours: boolean): Estimator {
  const n = points.length;
  const latents = points.map((p) => dims.map((d) => latentOf(d, p[d.key])));
  const components: Estimator['components'] = latents.map(() => new Array(dims.length).fill(undefined));
  const varying = dims.filter((d) => d.kind !== 'constant').length;
  dims.forEach((d, i) => {
    if (d.kind === 'categorical') {
      latents.forEach((z, k) => (components[k][i] = z[i]));
      return;
    }
    if (d.kind !== 'number') return;
    const [lo, hi] = span(d);
    const range = hi - lo || 1;
    const present = latents.map((z, k) => ({ z: z[i], k })).filter((e): e is { z: number; k: number } => e.z !== undefined);
    // Bandwidths are clipped below so a crowd of equal points still explores (the "magic clip" of the original TPE)
    // and above at the prior's width.
    const minSigma = range / Math.min(100, 2 + present.length);
    const clip = (s: number): number => Math.min(range, Math.max(minSigma, s));
    if (neighbours) {
      // Each point's bandwidth is the larger gap to its neighbours along this parameter (the prior's centre counts
      // as one), so kernels narrow where good points crowd: the original TPE's rule and Optuna's default.
      const order = [...present, { z: (lo + hi) / 2, k: -1 }].sort((a, b) => a.z - b.z);
      order.forEach((e, j) => {
        if (e.k < 0) return;
        const left = j > 0 ? e.z - order[j - 1].z : order.length > 1 ? order[j + 1].z - e.z : range;
        const right = j < order.length - 1 ? order[j + 1].z - e.z : left;
        const sigma = clip(Math.max(left, right));
        components[e.k][i] = { mu: e.z, sigma, logMass: d.bounded ? logMass(e.z, sigma, lo, hi) : 0 };
      });
      return;
    }
    // Scott's rule, as Optuna's multivariate TPE.
    const sigma = clip(0.2 * Math.max(present.length, 1) ** (-1 / (varying + 4)) * range);
    for (const e of present) components[e.k][i] = { mu: e.z, sigma, logMass: d.bounded ? logMass(e.z, sigma, lo, hi) : 0 };
  });
  const weights = [...new Array<number>(n).fill(1), priorWeight];
  const total = weights.reduce((a, b) => a + b, 0);
  // The last component is the prior: every dimension undefined.
  components.push(new Array(dims.length).fill(undefined));
  return { weights: weights.map((w) => w / total), components, eps: priorWeight / (n + 1) };
}

function priorKernel(d: NumberDim): NumberKernel {
  if (!d.bounded) return { mu: d.mu, sigma: d.sigma, logMass: 0 };
  const mu = (d.lo + d.hi) / 2;
  const sigma = d.hi - d.lo || 1;
  return { mu, sigma, logMass: logMass(mu, sigma, d.lo, d.hi) };
}

function sampleFrom(dims: readonly Dim[], est: Estimator, r: Rng): Latent {
  const k = pickWeighted(r, est.weights);
  const comp = est.components[k];
  return dims.map((d, i) => {
    if (d.kind === 'constant') return undefined;
    if (d.kind === 'categorical') {
      const c = comp[i];
      if (typeof c === 'number' && r.next() < 1 / (1 + d.values.length * est.eps)) return c;
      return categoricalPrior(d, r);
    }
    const kernel = (comp[i] as NumberKernel | undefined) ?? priorKernel(d);
    return sampleKernel(d, kernel, r);
  });
}

function categoricalPrior(d: CategoricalDim, r: Rng): number {
  return d.probabilities ? pickWeighted(r, d.probabilities) : Math.min(d.values.length - 1, Math.floor(r.next() * d.values.length));
}

function sampleKernel(d: NumberDim, k: NumberKernel, r: Rng): number {
  if (!d.bounded) return k.mu + k.sigma * gaussian(r);
  for (let i = 0; i < 64; i++) {
    const z = k.mu + k.sigma * gaussian(r);
    if (z >= d.lo && z <= d.hi) return z;
  }
  return d.lo + (d.hi - d.lo) * r.next();
}

function logDensity(dims: readonly Dim[], est: Estimator, z: Latent): number {
  const terms = est.components.map((comp, k) => {
    let s = Math.log(est.weights[k]);
    dims.forEach((d, i) => {
      if (d.kind === 'categorical') {
        const prior = d.probabilities ? d.probabilities[z[i] as number] : 1 / d.values.length;
        const c = comp[i];
        const peak = 1 / (1 + d.values.length * est.eps);
        const p = typeof c === 'number' ? (c === z[i] ? peak : 0) + (1 - peak) * prior : prior;
        s += Math.log(Math.max(p, 1e-300));
      } else if (d.kind === 'number') {
        const kernel = (comp[i] as NumberKernel | undefined) ?? priorKernel(d);
        const x = (z[i] as number - kernel.mu) / kernel.sigma;
        s += -0.5 * x * x - LOG_SQRT_2PI - Math.log(kernel.sigma) - kernel.logMass;
      }
    });
    return s;
  });
  let max = -Infinity;
  for (const t of terms) if (t > max) max = t;
  let sum = 0;
  for (const t of terms) sum += Math.exp(t - max);
  return max + Math.log(sum);
}

function logMass(mu: number, sigma: number, lo: number, hi: number): number {
  return Math.log(Math.max(normalCdf((hi - mu) / sigma) - normalCdf((lo - mu) / sigma), 1e-300));
}

/** Φ via erf (Abramowitz-Stegun 7.1.26, |error| < 1.5e-7: ample for comparing densities). */
function normalCdf(x: number): number {
  const t = x / Math.SQRT2;
  const a = Math.abs(t);
  const k = 1 / (1 + 0.3275911 * a);
  const y = 1 - ((((1.061405429 * k - 1.453152027) * k + 1.421413741) * k - 0.284496736) * k + 0.254829592) * k * Math.exp(-a * a);
  return 0.5 * (1 + (t >= 0 ? y : -y));
}
