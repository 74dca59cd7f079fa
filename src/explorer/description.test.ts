import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeView, type ViewHeader } from './description';
import { DEFAULT_SORT } from './model/sort';
import { buildView } from './model/view';

const view = buildView([], { filter: '', sort: DEFAULT_SORT, showArchived: false, primarySetting: undefined, now: 0 });

test('while the first pass runs, the message says how many runs were read so far', () => {
  const header: ViewHeader = {};
  describeView(header, { filter: '', sort: DEFAULT_SORT }, view, { done: 120, total: 1000 });
  assert.equal(header.message, 'Reading runs: 120 of 1000 so far; rows marked “reading…” get their metrics, and other tools\' runs appear, as they are read.');
  describeView(header, { filter: '', sort: DEFAULT_SORT }, view);
  assert.equal(header.message, undefined, 'the note goes once the pass is done');
});

test('the reading note comes before a filter note, which stays', () => {
  const header: ViewHeader = {};
  describeView(header, { filter: 'status:failed', sort: DEFAULT_SORT }, { ...view, total: 3, shown: 1 }, { done: 3, total: 9 });
  assert.match(header.message ?? '', /^Reading runs: 3 of 9 so far; .* Filter: status:failed \(1 of 3 runs\)$/);
});
