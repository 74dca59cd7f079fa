// The comparator-free ordering against the comparator sort it replaced, over values chosen to tie and to be
// hostile (-0, ±Infinity, NaN, the smallest subnormal, strings and booleans beside numbers, missing keys).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareValues, durationOf, queryRuns } from './query';
import { numericOrder } from './order';
import type { MetricSummary, ParamValue, RunQuery, RunSummary, SortKey } from '../types';

/** A small deterministic generator (mulberry32), so a failure names its seed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NUMBERS = [0, -0, 1, -1, 0.5, 0.25, 1e308, -1e308, 5e-324, -5e-324, Infinity, -Infinity, 3, 3, 2 ** 53, 2 ** 53 + 2];
const OTHERS: Array<ParamValue | undefined> = [NaN, null, undefined, true, false, 'a', 'B', 'run10', 'run2', '', '\u{1F600}', 'é'];
const IDS = ['a', 'b', 'B', 'run-1', 'run-10', 'run-2', '\u{1F600}', 'é', 'e\u0301', '', 'Z', 'aa', '__proto__', 'constructor'];

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)];
}

function value(r: () => number, numeric: boolean): ParamValue | undefined {
  return numeric || r() < 0.7 ? pick(r, NUMBERS) : pick(r, OTHERS);
}

function summaries(r: () => number, count: number, numeric: boolean): RunSummary[] {
  const out: RunSummary[] = [];
  for (let i = 0; i < count; i++) {
    // Ids repeat now and then: the order must still be the old one (the input's, among equal ids).
    const id = r() < 0.3 ? pick(r, IDS) : `r${Math.floor(r() * 1000)}`;
    const metrics: Record<string, MetricSummary> = {};
    const params: Record<string, ParamValue> = {};
    const loss = value(r, numeric);
    if (typeof loss === 'number') metrics.loss = { last: loss, lastStep: 1, min: loss, max: loss, count: 1 };
    const lr = value(r, numeric);
    if (lr !== undefined) params.lr = lr;
    const start = pick(r, NUMBERS);
    const s: RunSummary = {
      id, root: '/r', dir: `/r/${id}`, name: pick(r, IDS), project: pick(r, ['p', 'q', '']), tags: [], status: pick(r, ['finished', 'failed', 'running', 'crashed'] as const),
      startTime: start, lastUpdate: pick(r, NUMBERS), params, metrics, summary: {},
    };
    if (r() < 0.5) s.endTime = pick(r, NUMBERS);
    out.push(s);
  }
  return out;
}

/** queryRuns' sort as it was before numericOrder: one comparator sort of (value, run) pairs. */
function reference(runs: RunSummary[], q: RunQuery): string[] {
  const key = q.sort?.key ?? { kind: 'start' };
  const descending = q.sort?.descending ?? (q.sort === undefined ? true : false);
  const valueOf = (s: RunSummary, k: SortKey) => {
    switch (k.kind) {
      case 'start':
        return s.startTime;
      case 'duration':
        return durationOf(s);
      case 'name':
        return s.name;
      case 'status':
        return s.status;
      case 'param':
        return k.key in s.params ? s.params[k.key] : undefined;
      case 'metric':
        return s.metrics[k.key]?.last;
    }
  };
  const keyed = runs.map((r) => ({ r, v: valueOf(r, key) }));
  const byId = (a: RunSummary, b: RunSummary) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  if (keyed.every((k) => typeof k.v === 'number' && !Number.isNaN(k.v))) {
    const sign = descending ? -1 : 1;
    keyed.sort((a, b) => ((a.v as number) < (b.v as number) ? -sign : (a.v as number) > (b.v as number) ? sign : 0) || byId(a.r, b.r));
  } else {
    keyed.sort((a, b) => compareValues(a.v, b.v, descending) || byId(a.r, b.r));
  }
  const sorted = keyed.map((k) => k.r);
  return (q.limit !== undefined && q.limit >= 0 ? sorted.slice(0, q.limit) : sorted).map((s) => `${s.id}|${s.name}|${s.dir}`);
}

const SORTS: Array<RunQuery['sort']> = [
  undefined,
  { key: { kind: 'start' } },
  { key: { kind: 'start' }, descending: true },
  { key: { kind: 'duration' } },
  { key: { kind: 'duration' }, descending: true },
  { key: { kind: 'metric', key: 'loss' } },
  { key: { kind: 'metric', key: 'loss' }, descending: true },
  { key: { kind: 'param', key: 'lr' } },
  { key: { kind: 'param', key: 'lr' }, descending: false },
  { key: { kind: 'param', key: 'lr' }, descending: true },
  { key: { kind: 'name' } },
  { key: { kind: 'status' }, descending: true },
  { key: { kind: 'metric', key: 'missing' } },
];

test('listing order is the comparator sort it replaced: every sort key, both ways, ties and hostile values', () => {
  for (let seed = 1; seed <= 300; seed++) {
    const r = rng(seed);
    // Some inputs all numeric (the comparator-free path), others mixed; sizes from empty to a few hundred.
    const runs = summaries(r, Math.floor(r() * (seed % 10 === 0 ? 400 : 40)), r() < 0.6);
    for (const sort of SORTS) {
      for (const limit of [undefined, 0, 3]) {
        const q: RunQuery = { sort, limit };
        if (sort === undefined) delete q.sort;
        const got = queryRuns(runs, q).map((s) => `${s.id}|${s.name}|${s.dir}`);
        assert.deepEqual(got, reference(runs, q), `seed ${seed}, ${JSON.stringify(q)}`);
      }
    }
  }
});

test('numericOrder: ascending, ties by id then by index, -0 and 0 one value', () => {
  const keys = new Float64Array([2, -0, 0, -Infinity, 2, Infinity, 0, 5e-324]);
  const ids = ['b', 'z', 'a', 'q', 'a', 'c', 'a', 'm'];
  // 0 and -0 tie: ids a (2), a (6), z (1); the two 2s: a (4), b (0).
  assert.deepEqual([...numericOrder(keys, ids)], [3, 2, 6, 1, 7, 4, 0, 5]);
  assert.deepEqual([...numericOrder(new Float64Array(0), [])], []);
});
