import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Asha, rungs } from './hyperband';

test('rungs follow W&B hyperband keys: min_iter·eta^k, capped by max_iter, or s rungs up to max_iter', () => {
  assert.deepEqual(rungs({ type: 'hyperband', minIter: 3, eta: 3 }), [3, 9, 27]);
  assert.deepEqual(rungs({ type: 'hyperband', minIter: 2, eta: 2, maxIter: 20 }), [2, 4, 8, 16]);
  assert.deepEqual(rungs({ type: 'hyperband', maxIter: 27, s: 2, eta: 3 }), [3, 9]);
  assert.deepEqual(rungs({ type: 'hyperband', minIter: 1, eta: 2, s: 4 }), [1, 2, 4, 8]);
});

test('ASHA keeps the first trial at a rung, stops a trial outside the best 1/eta, and keeps a better one', () => {
  const asha = new Asha([2, 4], 2, 'minimize');
  const steps = [1, 2, 3, 4];
  assert.deepEqual(asha.observe(0, steps, [5, 4, 3, 2]), { records: [{ trial: 0, rung: 2, value: 4 }, { trial: 0, rung: 4, value: 2 }], stop: false });
  // Worse than trial 0 at rung 2: stopped there, rung 4 never recorded.
  assert.deepEqual(asha.observe(1, steps, [9, 8, 7, 6]), { records: [{ trial: 1, rung: 2, value: 8 }], stop: true });
  // Better than the median of {4, 8} at rung 2, better than 2 at rung 4: kept.
  assert.equal(asha.observe(2, steps, [3, 1, 1, 1]).stop, false);
  // A trial that has not reached a rung is not judged; a rung is judged once.
  assert.deepEqual(asha.observe(3, [1], [100]), { records: [], stop: false });
  assert.deepEqual(asha.observe(2, steps, [3, 1, 1, 1]), { records: [], stop: false });
});

test('ASHA for a maximized metric, restored from records after a controller restart', () => {
  const asha = new Asha([1], 3, 'maximize');
  asha.restore([{ trial: 0, rung: 1, value: 0.9 }, { trial: 1, rung: 1, value: 0.5 }, { trial: 2, rung: 1, value: 0.7 }]);
  assert.equal(asha.observe(3, [1], [0.6]).stop, true);
  assert.equal(asha.observe(4, [1, 2], [0.95, 0.1]).stop, false);
});
