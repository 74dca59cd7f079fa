import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run } from '../../../test/fixtures/explorerRuns';
import { editsFolder, splitDeletable, splitWritable } from './readOnly';

test("a read-only run's edits go to its side folder; one without a side folder is split off with a message", () => {
  const mine = run('a');
  const foreign = { ...run('mlflow-1'), readOnly: true, source: 'mlflow', editsDir: '/ws/.trackside/foreign/mlflow/mlflow-1' };
  const stranded = { ...run('mlflow-2'), readOnly: true, source: 'mlflow' };
  assert.equal(editsFolder(mine), mine.dir);
  assert.equal(editsFolder(foreign), '/ws/.trackside/foreign/mlflow/mlflow-1');
  assert.equal(editsFolder(stranded), undefined);
  assert.deepEqual(splitWritable([mine, foreign], 'rename'), { writable: [mine, foreign] });
  const one = splitWritable([mine, stranded], 'star');
  assert.deepEqual(one.writable, [mine]);
  assert.equal(one.refusal, "Could not star: run mlflow-2 is read-only (another tool's files, read in place, and no run folder to keep edits in).");
  const two = splitWritable([stranded, { ...stranded, id: 'mlflow-3' }], 'tag');
  assert.deepEqual(two.writable, []);
  assert.match(two.refusal ?? '', /^Could not tag: 2 of the selected runs are read-only/);
});

test("deleting trashes Trackside's own runs and only hides other tools' runs", () => {
  const mine = run('a');
  const foreign = { ...run('mlflow-1'), readOnly: true, editsDir: '/side' };
  assert.deepEqual(splitDeletable([mine, foreign]), { trash: [mine], hide: [foreign] });
});
