import { test } from 'node:test';
import assert from 'node:assert/strict';
import { phaseOf, sweepProgress } from './progress';
import type { SweepRecord, Trial } from './state';

const trial = (n: number, outcome: Trial['outcome'], value?: number): Trial => ({ n, run: `r${n}`, params: { x: n }, outcome, value, started: n });

test('progress: counts by outcome, the best among finished and skipped trials, the best-so-far curve', () => {
  const p = sweepProgress({ metric: { name: 'loss', goal: 'minimize' }, total: 8 }, [
    trial(3, 'pruned', 0.1),
    trial(0, 'finished', 0.5),
    trial(1, 'failed'),
    trial(2, 'skipped', 0.4),
    trial(4, undefined),
    trial(5, 'stopped'),
    trial(6, 'finished', 0.45),
  ]);
  assert.deepEqual([p.done, p.total, p.running, p.finished, p.pruned, p.failed, p.skipped], [5, 8, 1, 2, 1, 1, 1]);
  assert.equal(p.best?.n, 2, 'a pruned trial is never the best');
  assert.deepEqual(p.curve, [
    { n: 0, value: 0.5, best: 0.5 },
    { n: 1, value: undefined, best: 0.5 },
    { n: 2, value: 0.4, best: 0.4 },
    { n: 3, value: 0.1, best: 0.4 },
    { n: 6, value: 0.45, best: 0.4 },
  ]);
  const max = sweepProgress({ metric: { name: 'acc', goal: 'maximize' } }, [trial(0, 'finished', 0.5), trial(1, 'finished', 0.7)]);
  assert.equal(max.best?.value, 0.7);
});

test('progress: a running record is paused, running, or interrupted when its controller is gone', () => {
  const rec = { status: 'running' } as SweepRecord;
  assert.equal(phaseOf(rec, true), 'running');
  assert.equal(phaseOf({ ...rec, paused: true }, true), 'paused');
  assert.equal(phaseOf(rec, false), 'interrupted');
  assert.equal(phaseOf({ ...rec, status: 'stopped' }, false), 'stopped');
});
