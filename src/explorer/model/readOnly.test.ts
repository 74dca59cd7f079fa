import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from '../../../test/fixtures/explorerRuns';
import { splitWritable } from './readOnly';

test('read-only runs are split off with a message naming the one run, or counting several', () => {
  const mine = run('a');
  const foreign = { ...run('mlflow-1'), readOnly: true };
  assert.deepEqual(splitWritable([mine], 'rename'), { writable: [mine] });
  const one = splitWritable([mine, foreign], 'star');
  assert.deepEqual(one.writable, [mine]);
  assert.equal(one.refusal, "Could not star: run mlflow-1 is read-only (another tool's files, read in place).");
  const two = splitWritable([foreign, { ...foreign, id: 'mlflow-2' }], 'delete');
  assert.deepEqual(two.writable, []);
  assert.equal(two.refusal, "Could not delete: 2 of the selected runs are read-only (another tool's files, read in place).");
});
