// `{"$int": "<digits>"}` through the whole store: indexed, queried, persisted, reopened.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { openStore } from './runStore';
import { tempRoot, writeLog } from '../../test/fixtures/logs';
import { params, start, status, summary, T0, type LogRecord } from '../../test/fixtures/records';

const BIG = '18446744073709551617';
const DOUBLE = 18446744073709551616;

// Tags spelled out rather than as bigints: '5' is tagged too, and '12a' is a malformed tag.
function logOf(id: string, seed: string): LogRecord[] {
  return [
    start({ id, env: { seed: { $int: seed } } }),
    params({ seed: { $int: seed }, lr: 0.1, odd: { $int: '12a' } }),
    summary({ tokens: { $int: seed } }, T0 + 1),
    status('finished', { ts: T0 + 2 }),
  ];
}

test('an $int param, summary value and env.seed: the nearest double to query, the digits beside it, across a restart', async (t) => {
  const { root, cleanup } = tempRoot();
  t.after(cleanup);
  const dbPath = join(root, 'index.sqlite');
  writeLog(root, 'big', logOf('big', BIG));
  writeLog(root, 'small', logOf('small', '5'));
  let store = await openStore({ roots: [root], dbPath, now: () => (T0 + 60) * 1000 });
  const report = await store.index();
  assert.deepEqual(report.diagnostics, []);
  const check = () => {
    const run = store.getRun('big');
    assert.ok(run);
    assert.equal(run.params.seed, DOUBLE);
    assert.equal(run.summary.tokens, DOUBLE);
    assert.equal(run.env.seed, DOUBLE);
    assert.equal(run.params['odd.$int'], '12a', 'not a tag: an ordinary nested object');
    assert.deepEqual(run.exactInts, { seed: BIG, params: { seed: BIG }, summary: { tokens: BIG } });
    assert.deepEqual(store.listRuns().find((r) => r.id === 'big')?.exactInts, run.exactInts, 'summaries carry the digits too');
    const small = store.getRun('small');
    assert.equal(small?.params.seed, 5);
    assert.equal(small?.exactInts, undefined, 'integers a double holds need no digits');
    // The double is what sorting and filtering see.
    assert.deepEqual(store.listRuns({ where: [{ field: 'param', key: 'seed', op: '>', value: 2 ** 63 }] }).map((r) => r.id), ['big']);
    assert.deepEqual(store.listRuns({ sort: { key: { kind: 'param', key: 'seed' }, descending: true } }).map((r) => r.id), ['big', 'small']);
  };
  check();
  await store.persist();
  await store.close();
  store = await openStore({ roots: [root], dbPath, now: () => (T0 + 60) * 1000 });
  check();
  await store.index();
  check();
  await store.close();
});
