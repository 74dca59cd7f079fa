import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { placeOpen, previewRoots, type Placed } from './preview';

const panel = (key: string, kept: boolean): Placed => ({ key, kept });

test('a run already open is revealed, whether kept or the preview', () => {
  const a = panel('A', false);
  const b = panel('B', true);
  assert.deepEqual(placeOpen([a, b], { key: 'A', reuse: true, toSide: false }), { kind: 'reveal', panel: a, keep: false });
  assert.deepEqual(placeOpen([a, b], { key: 'B', reuse: true, toSide: false }), { kind: 'reveal', panel: b, keep: false });
});

test('another run reuses the unkept panel, never a kept one', () => {
  const kept = panel('A', true);
  const preview = panel('B', false);
  assert.deepEqual(placeOpen([kept, preview], { key: 'C', reuse: true, toSide: false }), { kind: 'reuse', panel: preview });
  // Only kept panels open: a new panel, which becomes the preview.
  assert.deepEqual(placeOpen([kept], { key: 'C', reuse: true, toSide: false }), { kind: 'create', kept: false });
  assert.deepEqual(placeOpen([], { key: 'C', reuse: true, toSide: false }), { kind: 'create', kept: false });
});

test('opened to the side: a new kept panel, or the open one pinned', () => {
  const preview = panel('A', false);
  assert.deepEqual(placeOpen([preview], { key: 'B', reuse: true, toSide: true }), { kind: 'create', kept: true });
  assert.deepEqual(placeOpen([preview], { key: 'A', reuse: true, toSide: true }), { kind: 'reveal', panel: preview, keep: true });
});

test('with reuse off every new panel is kept and nothing is replaced', () => {
  const preview = panel('A', false);
  assert.deepEqual(placeOpen([preview], { key: 'B', reuse: false, toSide: false }), { kind: 'create', kept: true });
});

test('a preview may load from the whole .trackside/runs folder, any other run only from its own', () => {
  const runs = join('/ws', '.trackside', 'runs');
  assert.deepEqual(previewRoots(join(runs, '20260101-000000-aaaaaaaa')), [runs]);
  assert.deepEqual(previewRoots(join('/ws', 'mlruns', '0', 'abc')), [join('/ws', 'mlruns', '0', 'abc')]);
  // A folder merely named runs is not Trackside's.
  assert.deepEqual(previewRoots(join('/home', 'runs', 'x')), [join('/home', 'runs', 'x')]);
  assert.deepEqual(previewRoots(join('/home', '.trackside', 'x')), [join('/home', '.trackside', 'x')]);
});
