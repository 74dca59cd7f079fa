import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareValues, diffParams, queryRuns } from './query';
import type { RunSummary } from '../types';

function run(id: string, over: Partial<RunSummary> = {}): RunSummary {
  return { id, root: '/r', dir: `/r/runs/${id}`, name: id, project: 'p', tags: [], status: 'finished', startTime: 0, lastUpdate: 0, params: {}, metrics: {}, summary: {}, ...over };
}

const metric = (last: number) => ({ last, lastStep: 1, min: last, max: last, count: 1 });

const runs = [
  run('a', { startTime: 3, endTime: 13, params: { lr: 0.1, opt: 'adam' }, metrics: { loss: metric(0.5) }, tags: ['x', 'y'], status: 'finished' }),
  run('b', { startTime: 1, lastUpdate: 50, params: { lr: 0.01, opt: 'sgd' }, metrics: { loss: metric(NaN) }, tags: ['x'], status: 'running', name: 'Beta' }),
  run('c', { startTime: 2, endTime: 4, params: { lr: 1 }, metrics: { loss: metric(0.2) }, status: 'failed', project: 'q', notes: 'Needle here', starred: true }),
];

test('default order is newest first', () => {
  assert.deepEqual(queryRuns(runs).map((r) => r.id), ['a', 'c', 'b']);
});

test('filters: status, project, tags, time, text, starred', () => {
  assert.deepEqual(queryRuns(runs, { status: ['running', 'failed'] }).map((r) => r.id), ['c', 'b']);
  assert.deepEqual(queryRuns(runs, { project: 'q' }).map((r) => r.id), ['c']);
  assert.deepEqual(queryRuns(runs, { tags: ['x', 'y'] }).map((r) => r.id), ['a']);
  assert.deepEqual(queryRuns(runs, { since: 2, until: 2 }).map((r) => r.id), ['c']);
  assert.deepEqual(queryRuns(runs, { text: 'needle' }).map((r) => r.id), ['c']);
  assert.deepEqual(queryRuns(runs, { text: 'beta' }).map((r) => r.id), ['b']);
  assert.deepEqual(queryRuns(runs, { starred: true }).map((r) => r.id), ['c']);
});

test('where clauses on params and metrics; missing and NaN never match a comparison', () => {
  assert.deepEqual(queryRuns(runs, { where: [{ field: 'param', key: 'lr', op: '<', value: 0.5 }] }).map((r) => r.id), ['a', 'b']);
  assert.deepEqual(queryRuns(runs, { where: [{ field: 'param', key: 'opt', op: '=', value: 'sgd' }] }).map((r) => r.id), ['b']);
  assert.deepEqual(queryRuns(runs, { where: [{ field: 'param', key: 'opt', op: '!=', value: 'sgd' }] }).map((r) => r.id), ['a']);
  assert.deepEqual(queryRuns(runs, { where: [{ field: 'metric', key: 'loss', op: '<=', value: 0.5 }] }).map((r) => r.id), ['a', 'c']);
  assert.deepEqual(queryRuns(runs, { where: [{ field: 'metric', key: 'loss', op: '>', value: 'x' }] }), []);
});

test('sorting by metric, param, duration and name; missing and NaN last both ways', () => {
  assert.deepEqual(queryRuns(runs, { sort: { key: { kind: 'metric', key: 'loss' } } }).map((r) => r.id), ['c', 'a', 'b']);
  assert.deepEqual(queryRuns(runs, { sort: { key: { kind: 'metric', key: 'loss' }, descending: true } }).map((r) => r.id), ['a', 'c', 'b']);
  assert.deepEqual(queryRuns(runs, { sort: { key: { kind: 'param', key: 'opt' } } }).map((r) => r.id), ['a', 'b', 'c']);
  assert.deepEqual(queryRuns(runs, { sort: { key: { kind: 'duration' } } }).map((r) => r.id), ['c', 'a', 'b']);
  assert.deepEqual(queryRuns(runs, { sort: { key: { kind: 'name' } } }).map((r) => r.id), ['a', 'b', 'c']);
  assert.deepEqual(queryRuns(runs, { limit: 1 }).map((r) => r.id), ['a']);
  assert.ok(compareValues(undefined, 1, true) > 0);
  assert.ok(compareValues(NaN, 1, false) > 0);
  assert.ok(compareValues('run2', 'run10', false) < 0, 'numeric-aware string order');
});

test('paramsDiff marks differing keys; missing counts as a difference', () => {
  const rows = diffParams([runs[0], runs[1], runs[2]]);
  assert.deepEqual(rows.map((r) => r.key), ['lr', 'opt']);
  assert.deepEqual(rows[1], { key: 'opt', values: ['adam', 'sgd', null], differs: true, present: [true, true, false] });
  const same = diffParams([run('x', { params: { a: 1, n: NaN } }), run('y', { params: { a: 1, n: NaN } })]);
  assert.deepEqual(same.map((r) => r.differs), [false, false]);
  assert.deepEqual(diffParams([run('x', { params: { a: null } }), undefined]), [{ key: 'a', values: [null, null], differs: true, present: [true, false] }]);
});
