import { test } from 'node:test';
import assert from 'node:assert/strict';
import { editableUserFile, mergeUserEdits, nameProblem, parseTags, tagsProblem } from './userEdits';

test('user.json merges keep unknown fields and drop cleared ones', () => {
  const existing = editableUserFile('{"name":"old","starred":true,"future":{"x":1}}');
  assert.deepEqual(mergeUserEdits(existing, { starred: false, tags: ['a'] }), { name: 'old', future: { x: 1 }, tags: ['a'] });
  assert.deepEqual(mergeUserEdits(existing, { name: '' }), { starred: true, future: { x: 1 } });
  assert.deepEqual(mergeUserEdits({}, { archived: true, notes: 'n' }), { archived: true, notes: 'n' });
});

test('an unreadable user.json is treated as empty, not as an error that loses the edit', () => {
  assert.deepEqual(editableUserFile('{oops'), {});
  assert.deepEqual(editableUserFile('[1,2]'), {});
  assert.deepEqual(editableUserFile(undefined), {});
});

test('an edit keeps fields the store reads as the store reads them, and other fields as they are', () => {
  const text = '{"future":[1],"name":"  ","starred":"yes","tags":["a",3,"a","b"],"notes":"n","archived":false,"toString":1}';
  assert.deepEqual(editableUserFile(text), { future: [1], tags: ['a', 'b'], notes: 'n', archived: false, toString: 1 });
  assert.deepEqual(Object.keys(editableUserFile(text)), ['future', 'tags', 'notes', 'archived', 'toString']);
  assert.deepEqual(editableUserFile('null'), {});
});

test('tags: commas or spaces, no duplicates, limits', () => {
  assert.deepEqual(parseTags(' baseline, wide  lr-sweep,baseline '), ['baseline', 'wide', 'lr-sweep']);
  assert.deepEqual(parseTags(''), []);
  assert.equal(tagsProblem('a b'), undefined);
  assert.match(tagsProblem('x'.repeat(65))!, /at most 64 characters/);
  assert.equal(nameProblem('<img src=x onerror=alert(1)>'), undefined);
  assert.match(nameProblem('a\nb')!, /line breaks/);
});
