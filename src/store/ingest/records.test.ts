import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseLine } from './lineParser';
import { applyRecord, flattenInto } from './records';
import { newFileState, newRunState } from './runState';
import { PendingPoints } from './seriesBuffer';
import type { ParamValue } from '../types';

function apply(lines: string[]) {
  const state = newRunState('r1', '/root', '/root/runs/r1');
  const file = newFileState('/root/runs/r1/events.jsonl');
  const points = new PendingPoints();
  const complaints: string[] = [];
  for (const line of lines) {
    const p = parseLine(line);
    if (!p.ok) complaints.push(p.reason);
    else applyRecord(state, file, p.record, points, (r) => complaints.push(r));
  }
  const series = (key: string) => {
    const b = points.byKey.get(key);
    return b === undefined ? undefined : { steps: [...b.steps.subarray(0, b.length)], times: [...b.times.subarray(0, b.length)], values: [...b.values.subarray(0, b.length)] };
  };
  return { state, file, points, complaints, series };
}

test('start record fills the run, env git fields are normalised', () => {
  const { state, complaints } = apply([
    JSON.stringify({ t: 'start', ts: 100, v: 1, id: 'r1', name: 'first', project: 'p', group: 'g', tags: ['a', 'b', 'a'], notes: 'n', parent: 'r0', argv: ['x.py'], cwd: '/c', executable: 'py', env: { git: { commit: 'abc', dirty: false, diff_artifact: 'd.diff' }, hostname: 'h', seed: 3 } }),
  ]);
  assert.deepEqual(complaints, []);
  assert.equal(state.hasStart, true);
  assert.equal(state.name, 'first');
  assert.equal(state.group, 'g');
  assert.equal(state.parent, 'r0');
  assert.deepEqual(state.tags, ['a', 'b']);
  assert.equal(state.startTime, 100_000);
  assert.deepEqual(state.env.git, { commit: 'abc', dirty: false, diffArtifact: 'd.diff' });
  assert.equal(state.env.seed, 3);
});

test('params flatten with dots, arrays as JSON, overrides recorded, later records merge', () => {
  const { state } = apply([
    JSON.stringify({ t: 'params', ts: 1, params: { opt: { lr: 0.1, name: 'adam', betas: [0.9, 0.99] }, flag: true, none: null }, source: 'config' }),
    '{"t":"params","ts":2,"params":{"opt":{"lr":0.5},"eps":NaN},"source":"override"}',
  ]);
  assert.deepEqual(state.params, { 'opt.lr': 0.5, 'opt.name': 'adam', 'opt.betas': '[0.9,0.99]', flag: true, none: null, eps: NaN });
  assert.deepEqual(state.overrides, { 'opt.lr': 0.5, eps: NaN });
});

test('metrics: explicit and automatic steps, several keys, specials in both spellings', () => {
  const { series, complaints } = apply([
    JSON.stringify({ t: 'metrics', ts: 10, step: 5, values: { a: 1, b: 2 } }),
    JSON.stringify({ t: 'metrics', ts: 11, values: { a: { $float: 'NaN' }, b: { $float: 'Infinity' } } }),
    '{"t":"metrics","ts":12,"values":{"a":-Infinity,"b":NaN}}',
  ]);
  assert.deepEqual(complaints, []);
  assert.deepEqual(series('a'), { steps: [5, 6, 7], times: [10_000, 11_000, 12_000], values: [1, NaN, -Infinity] });
  assert.deepEqual(series('b')?.values, [2, Infinity, NaN]);
});

test('the first metrics record without a step is step 0', () => {
  const { series } = apply([JSON.stringify({ t: 'metrics', ts: 1, values: { a: 1 } }), JSON.stringify({ t: 'metrics', ts: 2, values: { a: 2 } })]);
  assert.deepEqual(series('a')?.steps, [0, 1]);
});

test('system metrics are indexed under system/ with their own step count', () => {
  const { series } = apply([JSON.stringify({ t: 'system', ts: 1, values: { cpu: 50, mem: 1e9 } }), JSON.stringify({ t: 'system', ts: 2, values: { cpu: 60 } })]);
  assert.deepEqual(series('system/cpu'), { steps: [0, 1], times: [1000, 2000], values: [50, 60] });
});

test('summary, artifact, status and heartbeat records', () => {
  const { state, complaints } = apply([
    JSON.stringify({ t: 'summary', ts: 1, values: { best: { acc: 0.9 }, worst: { $float: '-Infinity' } } }),
    JSON.stringify({ t: 'artifact', ts: 2, path: 'artifacts\\model.pt', kind: 'model', size: 10, sha256: 'ff' }),
    JSON.stringify({ t: 'artifact', ts: 3, path: 'artifacts/model.pt', kind: 'model', size: 20 }),
    JSON.stringify({ t: 'heartbeat', ts: 4 }),
    JSON.stringify({ t: 'status', ts: 5, status: 'failed', exit_code: 1, error: { type: 'ValueError', message: 'bad', traceback: 'tb' } }),
  ]);
  assert.deepEqual(complaints, []);
  assert.deepEqual(state.summary, { 'best.acc': 0.9, worst: -Infinity });
  assert.deepEqual(state.artifacts, [{ path: 'artifacts/model.pt', time: 3000, kind: 'model', size: 20 }]);
  assert.equal(state.lastHeartbeat, 4000);
  assert.equal(state.status, 'failed');
  assert.equal(state.exitCode, 1);
  assert.deepEqual(state.error, { type: 'ValueError', message: 'bad', traceback: 'tb' });
  assert.equal(state.endTime, 5000);
  assert.equal(state.lastUpdate, 5000);
});

test('the last status record wins', () => {
  const { state } = apply([JSON.stringify({ t: 'status', ts: 1, status: 'killed', exit_code: 137 }), JSON.stringify({ t: 'status', ts: 2, status: 'finished', exit_code: 0 })]);
  assert.equal(state.status, 'finished');
  assert.equal(state.exitCode, 0);
});

test('unknown kinds are skipped silently', () => {
  const { complaints, state } = apply([JSON.stringify({ t: 'hologram', ts: 1, values: { a: 1 } })]);
  assert.deepEqual(complaints, []);
  assert.deepEqual(state.params, {});
});

test('wrong field types are reported and only that part is skipped', () => {
  const { complaints, series, state } = apply([
    JSON.stringify({ t: 'metrics', ts: 1, step: 0, values: { a: 1, b: 'high' } }),
    JSON.stringify({ t: 'metrics', ts: 2, step: -1, values: { a: 2 } }),
    JSON.stringify({ t: 'metrics', ts: 3, step: 1.5, values: { a: 2 } }),
    JSON.stringify({ t: 'metrics', ts: 4, values: [1, 2] }),
    JSON.stringify({ t: 42, ts: 1 }),
    JSON.stringify({ t: 'metrics', ts: 'yesterday', values: { a: 3 } }),
    JSON.stringify({ t: 'status', ts: 5, status: 'exploded' }),
    JSON.stringify({ t: 'start', ts: 6, name: 7, tags: 'a,b', project: 'ok' }),
    JSON.stringify({ t: 'params', ts: 7, params: 'lr=1' }),
    JSON.stringify({ t: 'artifact', ts: 8, path: '' }),
  ]);
  assert.deepEqual(series('a')?.values, [1]);
  assert.equal(series('b'), undefined);
  assert.equal(complaints.length, 11);
  assert.match(complaints[0], /metric "b" should be a number/);
  assert.equal(state.status, undefined);
  assert.equal(state.project, 'ok');
  assert.equal(state.name, undefined);
});

test('deep nesting is cut off as JSON text instead of recursing forever', () => {
  let deep: Record<string, unknown> = { leaf: 1 };
  for (let i = 0; i < 100; i++) deep = { d: deep };
  const out: Record<string, ParamValue> = {};
  flattenInto(out, deep);
  const [key] = Object.keys(out);
  assert.equal(key.split('.').length, 33);
  assert.equal(typeof out[key], 'string');
});

const BIG = '18446744073709551617'; // JSON.parse reads it as 2^64 = 18446744073709551616

test('an $int in config, overrides, summary and env.seed is one value: nearest double plus exact digits', () => {
  const { state, complaints, series } = apply([
    JSON.stringify({ t: 'start', ts: 1, env: { seed: { $int: BIG }, hostname: 'h' } }),
    JSON.stringify({ t: 'params', ts: 1, params: { seed: { $int: BIG }, model: { id: { $int: `-${BIG}` }, depth: 4 }, small: { $int: '12' }, ids: [{ $int: BIG }, 3] }, source: 'config' }),
    JSON.stringify({ t: 'params', ts: 2, params: { other: { $int: '9007199254740993' } }, source: 'override' }),
    JSON.stringify({ t: 'summary', ts: 3, values: { tokens: { $int: BIG }, best: { step: { $int: '99999999999999999999' } } } }),
    JSON.stringify({ t: 'metrics', ts: 4, step: 0, values: { n: { $int: BIG } } }),
  ]);
  assert.deepEqual(complaints, []);
  assert.equal(state.params.seed, 18446744073709551616);
  assert.equal(state.params['model.id'], -18446744073709551616);
  assert.equal(state.params.small, 12);
  assert.equal(state.params.ids, `[{"$int":"${BIG}"},3]`, 'arrays keep the exact tag in their JSON text');
  assert.equal(state.params.other, 9007199254740992);
  assert.equal(state.overrides.other, 9007199254740992);
  assert.equal(state.summary.tokens, 18446744073709551616);
  assert.equal(state.env.seed, 18446744073709551616);
  assert.equal(state.env.hostname, 'h');
  assert.deepEqual(state.exactInts, {
    seed: BIG,
    params: { seed: BIG, 'model.id': `-${BIG}`, other: '9007199254740993' },
    overrides: { other: '9007199254740993' },
    summary: { tokens: BIG, 'best.step': '99999999999999999999' },
  });
  assert.equal(Object.keys(state.params).some((k) => k.includes('$int')), false);
  assert.deepEqual(series('n')?.values, [18446744073709551616], 'a tagged metric is still plotted');
});

test('a later plain value replaces an $int and forgets its digits; a new start record replaces the seed', () => {
  const { state } = apply([
    JSON.stringify({ t: 'start', ts: 1, env: { seed: { $int: BIG } } }),
    JSON.stringify({ t: 'params', ts: 1, params: { seed: { $int: BIG }, keep: { $int: BIG } } }),
    JSON.stringify({ t: 'summary', ts: 1, values: { n: { $int: BIG } } }),
    JSON.stringify({ t: 'params', ts: 2, params: { seed: 7 } }),
    JSON.stringify({ t: 'summary', ts: 2, values: { n: 'done' } }),
    JSON.stringify({ t: 'start', ts: 3, env: { seed: 3 } }),
  ]);
  assert.equal(state.params.seed, 7);
  assert.equal(state.env.seed, 3);
  assert.deepEqual(state.exactInts, { params: { keep: BIG } });
  const later = apply([JSON.stringify({ t: 'params', ts: 1, params: { a: { $int: BIG } } }), JSON.stringify({ t: 'params', ts: 2, params: { a: 1 } })]);
  assert.equal(later.state.exactInts, undefined, 'no empty maps are left behind');
});

test('objects that are not exactly an $int stay ordinary nested objects', () => {
  const { state, complaints } = apply([
    JSON.stringify({ t: 'start', ts: 1, env: { seed: { $int: '12a' } } }),
    JSON.stringify({ t: 'params', ts: 1, params: { a: { $int: '12a' }, b: { $int: 5, x: 1 }, c: { $int: '9'.repeat(401) } } }),
  ]);
  assert.deepEqual(complaints, []);
  assert.deepEqual(state.params, { 'a.$int': '12a', 'b.$int': 5, 'b.x': 1, 'c.$int': '9'.repeat(401) });
  assert.equal(state.env.seed, undefined, 'a seed that is not a number is dropped');
  assert.equal(state.exactInts, undefined);
});

test('exact digits of a key named __proto__ stay an own property', () => {
  const { state } = apply(['{"t":"params","ts":1,"params":{"__proto__":{"$int":"18446744073709551617"}}}']);
  const map = state.exactInts?.params;
  assert.ok(map !== undefined);
  assert.equal(Object.getPrototypeOf(map), Object.prototype);
  assert.equal(Object.getOwnPropertyDescriptor(map, '__proto__')?.value, BIG);
  assert.equal(Object.getOwnPropertyDescriptor(state.params, '__proto__')?.value, 18446744073709551616);
});
