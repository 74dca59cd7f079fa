import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Disposable } from './lifecycle';

class Owner extends Disposable {}

test('a released item is no longer owned and is not disposed', () => {
  const owner = new Owner();
  const disposed: string[] = [];
  const a = owner.register({ dispose: () => disposed.push('a') });
  owner.register({ dispose: () => disposed.push('b') });
  owner.release(a);
  assert.deepEqual(disposed, []);
  owner.dispose();
  assert.deepEqual(disposed, ['b']);
});

test('releasing something never registered is harmless', () => {
  const owner = new Owner();
  const disposed: string[] = [];
  owner.register({ dispose: () => disposed.push('a') });
  owner.release({ dispose: () => disposed.push('x') });
  owner.dispose();
  assert.deepEqual(disposed, ['a']);
});
