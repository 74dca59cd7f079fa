import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runReported } from './reported';

test('a failing command is logged and shown without Markdown links', async () => {
  const logged: string[] = [];
  const shown: string[] = [];
  await runReported(
    'trackside.openRun',
    async () => {
      throw new Error('run [x](command:evil) not found');
    },
    { error: (m) => logged.push(m) },
    (m) => shown.push(m),
  );
  assert.deepEqual(logged, ['trackside.openRun failed: run [x](command:evil) not found']);
  assert.equal(shown.length, 1);
  assert.ok(!shown[0]!.includes('[') && !shown[0]!.includes(']'));
});

test('a succeeding command reports nothing', async () => {
  const calls: string[] = [];
  await runReported('id', async () => undefined, { error: (m) => calls.push(m) }, (m) => calls.push(m));
  assert.deepEqual(calls, []);
});
