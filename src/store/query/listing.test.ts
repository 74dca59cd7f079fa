// listCached (what listRuns answers) against queryRuns over every run's summary, the listing it replaced: random
// runs of every kind whose shown status differs from the logged one, hostile params and metric values, and
// random filters and sorts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newFileState, newRunState, type LoggedStatus } from '../ingest/runState';
import { makeMeta } from '../index/seriesMeta';
import { Liveness } from '../liveness';
import { listCached } from './listing';
import { mayMatch, prefilters } from './prefilter';
import { queryRuns } from './query';
import { summaryOf, type CachedRun } from './runSummary';
import type { ParamValue, RunQuery, SortKey } from '../types';

const NOW = 1_000_000;
const CRASH_AFTER = 1_000;

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
const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

const VALUES: ParamValue[] = [0, -0, 0.001, 0.01, 1, -1, NaN, Infinity, -Infinity, 5e-324, null, true, false, 'adam', 'sgd', '', 'run10'];
const KEYS = ['lr', 'opt', 'loss', 'toString', '__proto__', 'constructor', 'a.b'];
const STATUSES: Array<LoggedStatus | undefined> = ['finished', 'failed', 'killed', 'running', undefined, 'crashed' as LoggedStatus];

function randomRun(r: () => number, i: number): CachedRun {
  const id = `${pick(r, ['r', 'q', 'é', '\u{1F600}'])}${Math.floor(r() * 50)}-${i}`;
  const state = newRunState(id, '/r', `/r/runs/${id}`);
  state.status = pick(r, STATUSES);
  const params: Record<string, ParamValue> = {};
  for (const k of KEYS) if (r() < 0.5) Object.defineProperty(params, k, { value: pick(r, VALUES), enumerable: true, writable: true, configurable: true });
  state.params = params;
  state.project = r() < 0.5 ? pick(r, ['p', 'q', '']) : undefined;
  state.startTime = NOW - Math.floor(r() * 20_000);
  state.lastUpdate = r() < 0.5 ? NOW - 10_000 : NOW;
  const series = new Map();
  for (const k of KEYS) {
    if (r() < 0.4) continue;
    const v = pick(r, VALUES);
    const last = typeof v === 'number' ? v : 0.5;
    series.set(k, makeMeta(3, last, 2, last, last, true, 1, 0, 2, undefined));
  }
  const run: CachedRun = { state, file: newFileState(`/r/runs/${id}/events.jsonl`), series };
  const kind = r();
  if (kind < 0.1) state.proc = { host: 'elsewhere', pid: 1, pidStart: 1, bootId: null };
  else if (kind < 0.2) {
    state.source = 'team';
    state.env = { team: { status: 'crashed' } } as unknown as typeof state.env;
  }
  return run;
}

function randomQuery(r: () => number): RunQuery {
  const q: RunQuery = {};
  if (r() < 0.6) q.status = STATUSES.filter(() => r() < 0.4).map((s) => s ?? 'running') as RunQuery['status'];
  if (r() < 0.2) q.project = pick(r, ['p', 'q', '']);
  if (r() < 0.7) {
    q.where = [];
    for (let k = Math.floor(r() * 3); k >= 0; k--) q.where.push({ field: r() < 0.5 ? 'param' : 'metric', key: pick(r, KEYS), op: pick(r, ['<', '<=', '>', '>=', '=', '!='] as const), value: pick(r, VALUES) });
  }
  if (r() < 0.1) q.text = pick(r, ['r', 'q1', '']);
  if (r() < 0.1) q.since = NOW - 10_000;
  const kinds: SortKey[] = [{ kind: 'start' }, { kind: 'duration' }, { kind: 'name' }, { kind: 'status' }, { kind: 'param', key: pick(r, KEYS) }, { kind: 'metric', key: pick(r, KEYS) }];
  if (r() < 0.8) q.sort = { key: pick(r, kinds), ...(r() < 0.5 ? { descending: r() < 0.5 } : {}) };
  if (r() < 0.2) q.limit = Math.floor(r() * 5);
  return q;
}

test('listCached lists what queryRuns over every summary lists, in the same order, the same objects', () => {
  const live = new Liveness();
  for (let seed = 1; seed <= 400; seed++) {
    const r = rng(seed);
    const make = (): CachedRun[] => {
      const g = rng(seed * 7919);
      return Array.from({ length: 1 + Math.floor(g() * 60) }, (_, i) => randomRun(g, i));
    };
    const q = randomQuery(r);
    const summarize = (run: CachedRun) => summaryOf(run, NOW, CRASH_AFTER, undefined, live);
    const want = queryRuns(make().map(summarize), q).map((s) => `${s.id}:${s.status}`);
    const runs = make();
    const kept = prefilters(q) ? runs.filter((run) => mayMatch(run, q)) : runs;
    const got = listCached(kept, summarize, q, prefilters(q));
    assert.deepEqual(got.map((s) => `${s.id}:${s.status}`), want, `seed ${seed}: ${JSON.stringify(q)}`);
    // The summaries listed are the runs' own (memoised) objects, as before.
    for (const s of got) assert.ok(kept.some((run) => summarize(run) === s));
  }
});
