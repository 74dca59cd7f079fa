import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { openStore } from '../index';
import { appendLog, tempRoot, writeLog } from '../../../test/fixtures/logs';
import { encodeLine, metrics } from '../../../test/fixtures/records';
import { simpleRun } from '../../../test/fixtures/runs';

test('wholeRun gives every point of every series, as series() at full resolution does: sealed chunks, a live tail, steps that went back', async (t) => {
  const { root, cleanup } = tempRoot();
  t.after(cleanup);
  // 10,000 steps: several sealed chunks per key; then a few more lines, a live tail kept inline in the index.
  writeLog(root, 'big', simpleRun('big', 10_000));
  const store = await openStore({ roots: [root], dbPath: join(root, 'index.sqlite') });
  t.after(() => store.close());
  await store.index();
  appendLog(root, 'big', [metrics(10_000, { loss: 0.25, acc: 0.5 }, 2e12), metrics(5, { loss: 9 }, 2e12 + 1)].map((r) => encodeLine(r) + '\n').join(''));
  await store.index();
  const keys = store.metricKeys(['big']);
  assert.ok(keys.length > 1);
  const whole = await store.wholeRun('big');
  assert.deepEqual(whole.map((s) => s.key), keys, 'every key, sorted');
  for (const s of whole) {
    const [full] = await store.series({ runIds: ['big'], keys: [s.key], points: Number.MAX_SAFE_INTEGER });
    assert.equal(s.total, full.total, s.key);
    assert.deepEqual(Array.from(s.steps), Array.from(full.steps), s.key);
    assert.deepEqual(Array.from(s.times), Array.from(full.times), s.key);
    assert.deepEqual(Array.from(s.values), Array.from(full.values), s.key);
  }
  const loss = whole.find((s) => s.key === 'loss');
  assert.equal(loss?.values[5], 9, 'a step logged again keeps its last value');
  assert.deepEqual(await store.wholeRun('no-such-run'), []);
});
