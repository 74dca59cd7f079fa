import { test } from 'node:test';
import assert from 'node:assert/strict';
import { capRunIds, MAX_RUNS, parsePanelState, parseWebviewMessage } from './guards';

const options = { x: 'step', y: 'log', smoothing: 0.6 };

test('well-formed messages pass and come back as typed values', () => {
  assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { ok: true, value: { type: 'ready' } });
  assert.deepEqual(parseWebviewMessage({ type: 'zoom', requestId: 3, x: 'time', range: [1, 2] }), {
    ok: true,
    value: { type: 'zoom', requestId: 3, x: 'time', range: [1, 2] },
  });
  assert.equal(parseWebviewMessage({ type: 'zoom', requestId: 3, x: 'step', range: null }).ok, true);
  assert.equal(parseWebviewMessage({ type: 'openRun', runId: 'r1' }).ok, true);
  assert.equal(parseWebviewMessage({ type: 'exportPng', name: 'loss', dataUrl: 'data:image/png;base64,iVBORw0KGgo=' }).ok, true);
});

test('unknown types, missing fields and hostile values are refused with a reason', () => {
  const refused = [
    null,
    'ready',
    { type: 'runCommand', command: 'rm -rf /' },
    { type: 'zoom', requestId: 1, x: 'step', range: [2, 1] },
    { type: 'zoom', requestId: 1, x: 'step', range: [0, NaN] },
    { type: 'zoom', requestId: '1', x: 'step', range: null },
    { type: 'openRun', runId: '' },
    { type: 'openRun', runId: 'x'.repeat(300) },
    { type: 'openArtifact', path: '../../etc/passwd' },
    { type: 'openArtifact', path: '/etc/passwd' },
    { type: 'openArtifact', path: 'C:/Windows/win.ini' },
    { type: 'exportPng', name: 'x', dataUrl: 'data:text/html;base64,PHNjcmlwdD4=' },
    { type: 'exportPng', name: 'x', dataUrl: 'data:image/png;base64,<script>' },
    { type: 'painted', ms: Infinity, points: 1, charts: 1 },
    { type: 'state', state: { kind: 'compare', runIds: 'a', options, onlyDifferences: true, hidden: [] } },
  ];
  for (const raw of refused) {
    const r = parseWebviewMessage(raw);
    assert.equal(r.ok, false, JSON.stringify(raw));
    if (!r.ok) assert.ok(r.reason.length > 0);
  }
});

test('panel states are validated and normalised', () => {
  const r = parsePanelState({ kind: 'compare', runIds: ['a', 'b', 'a'], options, onlyDifferences: true, hidden: ['b', 'zz'], extra: 1 });
  assert.ok(r.ok);
  if (r.ok && r.value.kind === 'compare') {
    assert.deepEqual(r.value.runIds, ['a', 'b']);
    assert.deepEqual(r.value.hidden, ['b'], 'hidden runs not in the view are dropped');
    assert.equal('extra' in r.value, false);
  }
  assert.equal(parsePanelState({ kind: 'dashboard', runId: 'a', options: { ...options, smoothing: 2 } }).ok, false);
  assert.equal(parsePanelState({ kind: 'dashboard', runId: 'a', options: { ...options, x: 'epoch' } }).ok, false);
  assert.equal(parsePanelState({ kind: 'dashboard', runId: 'a', options }).ok, true);
});

test('a plot width rides along with ready and zoom only when plausible', () => {
  assert.deepEqual(parseWebviewMessage({ type: 'ready', plotWidth: 640.6 }), { ok: true, value: { type: 'ready', plotWidth: 641 } });
  for (const plotWidth of ['640', -1, NaN, 1e12, null]) {
    assert.deepEqual(parseWebviewMessage({ type: 'ready', plotWidth }), { ok: true, value: { type: 'ready' } }, String(plotWidth));
  }
  assert.deepEqual(parseWebviewMessage({ type: 'zoom', requestId: 1, x: 'step', range: [0, 5], plotWidth: 300 }), {
    ok: true,
    value: { type: 'zoom', requestId: 1, x: 'step', range: [0, 5], plotWidth: 300 },
  });
  assert.deepEqual(parseWebviewMessage({ type: 'zoom', requestId: 1, x: 'step', range: null, plotWidth: 'wide' }), {
    ok: true,
    value: { type: 'zoom', requestId: 1, x: 'step', range: null },
  });
});

test('a capped run list is one that a reload restores', () => {
  const many = Array.from({ length: MAX_RUNS + 5 }, (_, i) => `run-${i}`);
  const { ids, leftOut } = capRunIds([...many, 'run-0']);
  assert.equal(ids.length, MAX_RUNS);
  assert.equal(leftOut, 5);
  const state = { kind: 'compare', runIds: ids, options: { x: 'step', y: 'linear', smoothing: 0 }, onlyDifferences: true, hidden: [] };
  assert.ok(parsePanelState(state).ok);
  assert.deepEqual(capRunIds(['a', 'b', 'a']), { ids: ['a', 'b'], leftOut: 0 });
});
