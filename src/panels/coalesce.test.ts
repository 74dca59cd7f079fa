import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Coalescer } from './coalesce';

test('triggers during a run fold into one follow-up run', async () => {
  let runs = 0;
  let release: () => void = () => undefined;
  const c = new Coalescer(
    () => {
      runs++;
      return new Promise<void>((r) => (release = r));
    },
    () => assert.fail('no error expected'),
  );
  c.trigger();
  c.trigger();
  c.trigger();
  assert.equal(runs, 1);
  release();
  await new Promise((r) => setImmediate(r));
  assert.equal(runs, 2, 'one follow-up for three triggers');
  release();
  await c.idle();
  assert.equal(runs, 2);
});

test('an error is reported and does not stop later runs', async () => {
  const errors: unknown[] = [];
  let n = 0;
  const c = new Coalescer(async () => {
    n++;
    if (n === 1) throw new Error('boom');
  }, (e) => errors.push(e));
  c.trigger();
  await c.idle();
  c.trigger();
  await c.idle();
  assert.equal(n, 2);
  assert.equal(errors.length, 1);
});
