import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RebuildScheduler } from './rebuildScheduler';

test('a cheap rebuild runs at once; after a slow one, changes wait and arrive as one rebuild', async () => {
  const rebuilds: string[][] = [];
  const scheduler = new RebuildScheduler((changed) => rebuilds.push([...changed]));
  scheduler.soon(['a']);
  assert.deepEqual(rebuilds, [['a']]);

  scheduler.took(50);
  scheduler.soon(['b']);
  scheduler.soon(['c', 'b']);
  assert.deepEqual(rebuilds, [['a']], 'waits up to four rebuild-durations');
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.deepEqual(rebuilds, [['a'], ['b', 'c']]);
  scheduler.dispose();
});

test('a disposed scheduler drops the rebuild it was waiting for', async () => {
  const rebuilds: string[][] = [];
  const scheduler = new RebuildScheduler((changed) => rebuilds.push([...changed]));
  scheduler.took(50);
  scheduler.soon(['a']);
  scheduler.dispose();
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.deepEqual(rebuilds, []);
});
