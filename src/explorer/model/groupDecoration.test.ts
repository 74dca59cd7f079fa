import { test } from 'node:test';
import assert from 'node:assert/strict';
import { groupRow } from './present';

test('a decorated group row takes the decorator\'s description, tooltip, icon and context words; a plain one counts its runs', () => {
  const plain = groupRow('p', { name: 'g', runs: [] });
  assert.deepEqual([plain.description, plain.contextValue, plain.icon?.id], ['0 runs', 'group', 'folder-library']);
  const row = groupRow('p', { name: 'hp-0a1b2c3d', runs: [] }, { description: '2/6 · best 0.3', tooltip: 'T', icon: { id: 'beaker' }, contextValue: 'sweep sweep-running' });
  assert.deepEqual([row.id, row.label, row.description, row.tooltip, row.icon?.id, row.contextValue], ['group:p\u0000hp-0a1b2c3d', 'hp-0a1b2c3d', '2/6 · best 0.3', 'T', 'beaker', 'group sweep sweep-running']);
});
