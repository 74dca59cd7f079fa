import assert from 'node:assert/strict';
import { test } from 'node:test';
import { newFileState, newRunState, type LoggedStatus } from '../ingest/runState';
import { makeMeta } from '../index/seriesMeta';
import { Liveness } from '../liveness';
import { mayMatch, prefilters } from './prefilter';
import { queryRuns } from './query';
import { summaryOf, type CachedRun } from './runSummary';
import type { ParamValue, RunQuery } from '../types';

const NOW = 1_000_000;
const CRASH_AFTER = 1_000;

function run(id: string, status: LoggedStatus | undefined, params: Record<string, ParamValue>, loss: number | undefined, over: (r: CachedRun) => void = () => undefined): CachedRun {
  const state = newRunState(id, '/r', `/r/runs/${id}`);
  state.status = status;
  state.params = params;
  state.project = id.startsWith('q') ? 'q' : undefined;
  state.startTime = NOW - 10_000;
  state.lastUpdate = id.includes('quiet') ? NOW - 10_000 : NOW;
  const series = new Map();
  if (loss !== undefined) series.set('loss', makeMeta(3, loss, 2, loss, loss, true, 1, 0, 2, undefined));
  const r: CachedRun = { state, file: newFileState(`/r/runs/${id}/events.jsonl`), series };
  over(r);
  return r;
}

// Every kind of run whose shown status differs from its logged one, beside plain ones.
const runs = (): CachedRun[] => [
  run('done', 'finished', { lr: 0.001, opt: 'adam' }, 0.5),
  run('fail', 'failed', { lr: 0.1 }, NaN),
  run('live', 'running', { lr: 0.0001 }, 0.2),
  run('live-quiet', undefined, { lr: 0.001 }, 0.3),
  run('q-killed', 'killed', { lr: 0.001, opt: 'sgd' }, undefined),
  run('writer', 'finished', { lr: 0.001 }, 0.1, (r) => {
    r.state.proc = { host: 'elsewhere', pid: 1, pidStart: 1, bootId: null };
  }),
  run('team-quiet', 'running', { lr: 0.001 }, 0.4, (r) => {
    r.state.source = 'team';
    r.state.env = { team: { status: 'crashed' } } as unknown as typeof r.state.env;
  }),
  run('proto', 'finished', { toString: 1 }, 0.6),
];

const queries: RunQuery[] = [
  { status: ['finished', 'failed'], where: [{ field: 'param', key: 'lr', op: '<=', value: 0.001 }], sort: { key: { kind: 'metric', key: 'loss' } } },
  { status: ['crashed'] },
  { status: ['running'] },
  { status: ['finished'] },
  { project: 'q' },
  { project: '' },
  { where: [{ field: 'metric', key: 'loss', op: '<', value: 0.45 }] },
  { where: [{ field: 'metric', key: 'loss', op: '!=', value: 0.5 }] },
  { where: [{ field: 'param', key: 'opt', op: '!=', value: 'sgd' }] },
  { where: [{ field: 'param', key: 'toString', op: '!=', value: 2 }] },
  { where: [{ field: 'param', key: 'constructor', op: '!=', value: 2 }] },
  { where: [{ field: 'metric', key: 'toString', op: '!=', value: 2 }] },
  { status: [], text: 'live' },
];

test('the prefilter drops only runs the full filter drops: same listing as summaries of every run', () => {
  const live = new Liveness();
  for (const q of queries) {
    const summarize = (rs: CachedRun[]) => rs.map((r) => summaryOf(r, NOW, CRASH_AFTER, undefined, live));
    const all = queryRuns(summarize(runs()), q).map((s) => `${s.id}:${s.status}`);
    const pre = queryRuns(summarize(runs().filter((r) => !prefilters(q) || mayMatch(r, q))), q).map((s) => `${s.id}:${s.status}`);
    assert.deepEqual(pre, all, JSON.stringify(q));
  }
});

test('the prefilter really leaves runs out (their summaries are not built)', () => {
  const q: RunQuery = { status: ['finished'], where: [{ field: 'param', key: 'lr', op: '<=', value: 0.001 }] };
  const kept = runs().filter((r) => mayMatch(r, q)).map((r) => r.state.id);
  assert.deepEqual(kept, ['done', 'live', 'live-quiet', 'writer', 'team-quiet']);
  assert.equal(prefilters({ sort: { key: { kind: 'start' } } }), false);
  assert.equal(prefilters({ status: [] }), false);
});
