// The search space: a sweep's parameters as flat dimensions (nested `parameters` joined with dots, as the store
// flattens run configs), each with a latent coordinate the searchers work in (the log of a log-scaled value, the
// unrounded value of a quantized one) and the transform back to the value a trial gets.
import { gaussian, pickWeighted, type Rng } from './rng';

export type Value = string | number | boolean | null | Value[] | { [key: string]: Value };

export const FLOAT_DISTRIBUTIONS = [
  'uniform', 'q_uniform', 'log_uniform_values', 'q_log_uniform_values', 'log_uniform', 'q_log_uniform',
  'inv_log_uniform', 'inv_log_uniform_values', 'normal', 'q_normal', 'log_normal', 'q_log_normal',
] as const;
export type FloatDistribution = (typeof FLOAT_DISTRIBUTIONS)[number];
export const DISTRIBUTIONS = ['constant', 'categorical', 'int_uniform', ...FLOAT_DISTRIBUTIONS] as const;
export type Distribution = (typeof DISTRIBUTIONS)[number];

export interface ConstantDim { kind: 'constant'; key: string; value: Value }
export interface CategoricalDim { kind: 'categorical'; key: string; values: Value[]; probabilities?: number[] }
/**
 * A number. The latent coordinate z is uniform on [lo, hi] (bounded) or normal(mu, sigma) (unbounded); the value is
 * `inverse` of z (exp for log scales), then rounded to q (1 for integers) and clamped to the stated range.
 */
export interface NumberDim {
  kind: 'number';
  key: string;
  distribution: 'int_uniform' | FloatDistribution;
  bounded: boolean;
  lo: number;
  hi: number;
  mu: number;
  sigma: number;
  scale: 'linear' | 'log' | 'neglog';
  q?: number;
  integer: boolean;
  /** The range values must fall in (for warm starts), when the distribution has one. */
  min?: number;
  max?: number;
}
export type Dim = ConstantDim | CategoricalDim | NumberDim;

export interface Space {
  dims: Dim[];
}

export type Params = Record<string, Value>;

export function toValue(d: NumberDim, z: number): number {
  let x = d.scale === 'log' ? Math.exp(z) : d.scale === 'neglog' ? Math.exp(-z) : z;
  if (d.q !== undefined) x = Math.round(x / d.q) * d.q;
  else if (d.integer) x = Math.round(x);
  if (d.min !== undefined && x < d.min) x = d.integer || d.q !== undefined ? ceilTo(d.min, d.q ?? 1) : d.min;
  if (d.max !== undefined && x > d.max) x = d.integer || d.q !== undefined ? floorTo(d.max, d.q ?? 1) : d.max;
  if (d.q !== undefined) x = tidy(x, d.q);
  return x;
}

export function toLatent(d: NumberDim, x: number): number {
  return d.scale === 'log' ? Math.log(x) : d.scale === 'neglog' ? -Math.log(x) : x;
}

function ceilTo(x: number, q: number): number {
  return Math.ceil(x / q - 1e-9) * q;
}
function floorTo(x: number, q: number): number {
  return Math.floor(x / q + 1e-9) * q;
}
/** 0.1 * 3 is 0.30000000000000004: keep as many decimals as q has. */
function tidy(x: number, q: number): number {
  const decimals = Math.max(0, Math.min(15, -Math.floor(Math.log10(Math.abs(q) || 1)) + 1));
  return Number(x.toFixed(decimals));
}

/** Does a past run's value fit this dimension (so it can count as an observation)? */
export function fits(d: Dim, x: unknown): boolean {
  if (d.kind === 'constant') return sameValue(d.value, x);
  if (d.kind === 'categorical') return d.values.some((v) => sameValue(v, x));
  if (typeof x !== 'number' || !Number.isFinite(x)) return false;
  if (d.integer && !Number.isInteger(x)) return false;
  if (d.scale !== 'linear' && x <= 0) return false;
  if (d.min !== undefined && x < d.min - 1e-12 * Math.abs(d.min)) return false;
  if (d.max !== undefined && x > d.max + 1e-12 * Math.abs(d.max)) return false;
  return true;
}

export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return Math.abs(a - b) <= 1e-12 * Math.max(Math.abs(a), Math.abs(b));
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) return JSON.stringify(a) === JSON.stringify(b);
  return false;
}

/** One value for a dimension from its prior (what random search does). */
export function sampleDim(d: Dim, r: Rng): Value {
  if (d.kind === 'constant') return d.value;
  if (d.kind === 'categorical') {
    const i = d.probabilities ? pickWeighted(r, d.probabilities) : Math.floor(r.next() * d.values.length);
    return d.values[Math.min(i, d.values.length - 1)];
  }
  return toValue(d, sampleLatent(d, r));
}

export function sampleLatent(d: NumberDim, r: Rng): number {
  return d.bounded ? d.lo + (d.hi - d.lo) * r.next() : d.mu + d.sigma * gaussian(r);
}

/** The flat params as the nested object a program's config gets (`a.b` → {a: {b}}). */
export function nest(params: Params): Record<string, Value> {
  const out: Record<string, Value> = {};
  for (const [key, value] of Object.entries(params)) {
    const parts = key.split('.');
    let at = out;
    for (const part of parts.slice(0, -1)) {
      const next = at[part];
      if (typeof next !== 'object' || next === null || Array.isArray(next)) at[part] = {};
      at = at[part] as Record<string, Value>;
    }
    at[parts[parts.length - 1]] = value;
  }
  return out;
}

/** A stable key for a configuration: same params, same key, whatever the order they were built in. */
export function configKey(params: Params): string {
  return JSON.stringify(Object.keys(params).sort().map((k) => [k, params[k]]));
}

/** Number of distinct configurations, or Infinity when a dimension is continuous. */
export function spaceSize(space: Space): number {
  let n = 1;
  for (const d of space.dims) {
    if (d.kind === 'categorical') n *= d.values.length;
    else if (d.kind === 'number') {
      if (!d.bounded || d.min === undefined || d.max === undefined) return Infinity;
      if (d.scale === 'linear' && (d.integer || d.q !== undefined)) n *= Math.floor((d.max - d.min) / (d.q ?? 1) + 1e-9) + 1;
      else return Infinity;
    }
  }
  return n;
}

export function samplePrior(space: Space, r: Rng): Params {
  const params: Params = {};
  for (const d of space.dims) params[d.key] = sampleDim(d, r);
  return params;
}
