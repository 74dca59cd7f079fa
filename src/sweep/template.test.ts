import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSweep } from './spec';
import { NEW_SWEEP, sweepAroundRun } from './template';

test('a sweep around a run ranges its numbers around their values, keeps strings, and parses as a valid sweep', () => {
  const text = sweepAroundRun({
    name: 'baseline',
    params: { lr: 0.01, epochs: 10, 'optimizer.name': 'adam', 'optimizer.momentum': 0.9, shuffle: true, note: null },
    metricKeys: ['sys/cpu', 'val_accuracy', 'train_loss'],
    program: 'train.py',
  });
  const spec = parseSweep(text, 'around.sweep.yaml');
  const dims = Object.fromEntries(spec.space.dims.map((d) => [d.key, d]));
  assert.deepEqual(Object.keys(dims).sort(), ['epochs', 'lr', 'note', 'optimizer.momentum', 'optimizer.name', 'shuffle']);
  assert.deepEqual([dims.lr.kind === 'number' && dims.lr.min, dims.lr.kind === 'number' && dims.lr.max], [0.001, 0.1]);
  assert.deepEqual([dims.epochs.kind === 'number' && dims.epochs.min, dims.epochs.kind === 'number' && dims.epochs.max], [5, 20]);
  assert.equal(dims['optimizer.name'].kind, 'constant');
  assert.equal(dims.shuffle.kind, 'categorical');
  assert.deepEqual(spec.metric, { name: 'train_loss', goal: 'minimize' });
  assert.equal(spec.method, 'bayes');
});

test('the new-sweep template is a valid sweep file', () => {
  const spec = parseSweep(NEW_SWEEP, 'new.sweep.yaml');
  assert.equal(spec.method, 'bayes');
  assert.equal(spec.space.dims.length, 2);
});
