import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runLabel } from './runLabel';

test('a run label is the name on one line, with icon syntax left undrawn', () => {
  assert.equal(runLabel({ name: 'baseline', id: 'r1' }), 'baseline');
  assert.equal(runLabel({ name: 'lr\n0.1\t$(warning) run', id: 'r1' }), 'lr 0.1 $\u2060(warning) run');
});

test('a run without a name is labelled by its id, and a huge name is cut short', () => {
  assert.equal(runLabel({ name: '', id: '$(x)20260101' }), '$\u2060(x)20260101');
  const label = runLabel({ name: 'n'.repeat(5000), id: 'r1' });
  assert.equal(label.length, 200);
  assert.ok(label.endsWith('…'));
});
