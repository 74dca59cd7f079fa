import { test } from 'node:test';
import assert from 'node:assert/strict';
import { OncePerKey } from './oncePerKey';

test('a second request while the first is in flight joins it', async () => {
  const once = new OncePerKey();
  let opened = 0;
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const open = async (): Promise<void> => {
    await gate;
    opened++;
  };
  const first = once.run('run-1', open);
  const second = once.run('run-1', open);
  release();
  await Promise.all([first, second]);
  assert.equal(opened, 1);
  // Once settled, the key is free again (the caller then finds the open panel itself).
  await once.run('run-1', async () => void opened++);
  assert.equal(opened, 2);
});

test('a failure frees the key', async () => {
  const once = new OncePerKey();
  await assert.rejects(once.run('k', async () => Promise.reject(new Error('no store'))));
  let ran = false;
  await once.run('k', async () => void (ran = true));
  assert.ok(ran);
});
