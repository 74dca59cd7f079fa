import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runIdsFrom } from './runRef';

test('a plain id, a node and an id list all name runs', () => {
  assert.deepEqual(runIdsFrom('a'), ['a']);
  assert.deepEqual(runIdsFrom({ runId: 'b', label: 'x' }), ['b']);
  assert.deepEqual(runIdsFrom(['a', 'b', 'a']), ['a', 'b']);
});

test('a view multi-selection wins over the clicked node', () => {
  assert.deepEqual(runIdsFrom({ runId: 'a' }, [{ runId: 'b' }, { runId: 'c' }]), ['b', 'c']);
});

test('nothing usable gives no ids', () => {
  assert.deepEqual(runIdsFrom(undefined), []);
  assert.deepEqual(runIdsFrom({ label: 'params' }), []);
  assert.deepEqual(runIdsFrom(''), []);
});
