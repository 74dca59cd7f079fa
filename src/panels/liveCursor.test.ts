import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LiveCursor } from './liveCursor';

const s = (runId: string, key: string, steps: number[]) => ({
  runId,
  key,
  steps: Float64Array.from(steps),
  times: Float64Array.from(steps, (x) => x * 1000),
  values: Float64Array.from(steps, (x) => x / 10),
  total: steps.length,
});

test('asks for points after the oldest last step and never resends a point', () => {
  const c = new LiveCursor();
  c.reset([s('r', 'train/loss', [0, 1, 2, 3]), s('r', 'val/loss', [0, 2])]);
  assert.equal(c.afterStep('r', ['train/loss', 'val/loss']), 2);
  const out = c.advance([s('r', 'train/loss', [3, 4, 5]), s('r', 'val/loss', [4])]);
  assert.deepEqual(out.map((x) => [x.key, [...x.steps], [...x.values]]), [
    ['train/loss', [4, 5], [0.4, 0.5]],
    ['val/loss', [4], [0.4]],
  ]);
  assert.equal(c.appended, 3);
  assert.deepEqual(c.advance([s('r', 'train/loss', [4, 5])]), [], 'nothing new: nothing sent');
  assert.equal(c.afterStep('r', ['train/loss', 'val/loss']), 4);
});

test('a new key starts from the beginning', () => {
  const c = new LiveCursor();
  c.reset([s('r', 'a', [0, 1])]);
  assert.equal(c.afterStep('r', ['a', 'b']), -1);
  assert.equal(c.advance([s('r', 'b', [0])]).length, 1);
});

test('keys that advance at different paces are asked for separately', () => {
  const c = new LiveCursor();
  c.reset([s('r', 'train/loss', [0, 500, 1000]), s('r', 'train/acc', [1000]), s('r', 'system/cpu', [0, 1, 2])]);
  assert.deepEqual(c.requests('r', ['train/loss', 'train/acc', 'system/cpu', 'val/new']), [
    { afterStep: 1000, keys: ['train/loss', 'train/acc'] },
    { afterStep: 2, keys: ['system/cpu'] },
    { afterStep: -1, keys: ['val/new'] },
  ]);
});
