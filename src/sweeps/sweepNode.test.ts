import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sweepProgress } from '../sweep/progress';
import type { Trial } from '../sweep/state';
import { sweepDescription } from './sweepNode';

const trial = (n: number, outcome: Trial['outcome'], value?: number): Trial => ({ n, run: `r${n}`, params: { x: n }, outcome, value, started: n });

test('the sweep node says n/N, the best so far, what runs, was pruned or failed, and the phase unless running', () => {
  const progress = sweepProgress({ metric: { name: 'loss', goal: 'minimize' }, total: 6 }, [trial(0, 'finished', 0.3166), trial(1, 'pruned', 0.9), trial(2, undefined)]);
  assert.equal(sweepDescription({ phase: 'running', progress }), '2/6 · best 0.3166 · 1 running, 1 pruned, 0 failed');
  assert.equal(sweepDescription({ phase: 'paused', progress }), '2/6 · best 0.3166 · 1 running, 1 pruned, 0 failed · paused');
  const none = sweepProgress({}, [trial(0, 'failed')]);
  assert.equal(sweepDescription({ phase: 'interrupted', progress: none }), '1/? · 0 running, 0 pruned, 1 failed · interrupted');
});
