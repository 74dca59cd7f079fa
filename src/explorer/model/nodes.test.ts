import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runIdsFrom } from '../../core/runRef';
import { nothingGiven, rowCopyTexts, rowNode, type Node } from './nodes';
import type { Row } from './present';

const leafRow: Row = { id: 'run:r1/params/lr', label: 'lr', contextValue: 'detail', collapsible: 'none', copyText: 'lr=0.1' };
const sectionRow: Row = { id: 'run:r1/artifacts', label: 'Artifacts', contextValue: 'section artifacts', collapsible: 'collapsed' };

test('rows under a run are not runs to run-scoped commands', () => {
  const leaf = rowNode('r1', leafRow);
  const section = rowNode('r1', sectionRow);
  assert.equal(leaf.kind, 'detail');
  assert.deepEqual(section, { kind: 'section', ownerRunId: 'r1', section: 'artifacts', row: sectionRow });
  assert.deepEqual(runIdsFrom(leaf, [leaf, section]), []);
  const run = { kind: 'run', runId: 'r2', run: {} } as Node;
  assert.deepEqual(runIdsFrom(run, [leaf, run]), ['r2']);
});

test('copying a selection of rows copies their values', () => {
  assert.deepEqual(rowCopyTexts([rowNode('r1', leafRow), rowNode('r1', sectionRow)]), ['lr=0.1']);
  assert.deepEqual(rowCopyTexts(undefined), []);
});

test('the run picker is for commands given nothing, not for a selection of rows', () => {
  assert.equal(nothingGiven(undefined, []), true);
  assert.equal(nothingGiven(undefined, undefined), true);
  assert.equal(nothingGiven(undefined, [rowNode('r1', leafRow)]), false);
  assert.equal(nothingGiven(rowNode('r1', leafRow), undefined), false);
});
