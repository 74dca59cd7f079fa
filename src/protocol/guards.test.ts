import { test } from 'node:test';
import assert from 'node:assert/strict';
import { capRunIds, MAX_RUNS, parseCompareMessage, parseCompareState } from './compareGuards';
import { parseDashboardMessage, parseDashboardState } from './dashboardGuards';
import { parseSweepMessage, parseSweepState } from './sweepGuards';

const options = { x: 'step', y: 'log', smoothing: 0.6 };
/** Both panels' parsers: what every chart panel shares must read the same in each. */
const parsers = { dashboard: parseDashboardMessage, compare: parseCompareMessage };

test('well-formed messages pass and come back as typed values', () => {
  for (const [panel, parseWebviewMessage] of Object.entries(parsers)) {
    assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { ok: true, value: { type: 'ready' } }, panel);
    assert.deepEqual(parseWebviewMessage({ type: 'zoom', requestId: 3, x: 'time', range: [1, 2] }), {
      ok: true,
      value: { type: 'zoom', requestId: 3, x: 'time', range: [1, 2] },
    });
    assert.equal(parseWebviewMessage({ type: 'zoom', requestId: 3, x: 'step', range: null }).ok, true);
    assert.equal(parseWebviewMessage({ type: 'openRun', runId: 'r1' }).ok, true);
    assert.equal(parseWebviewMessage({ type: 'exportPng', name: 'loss', dataUrl: 'data:image/png;base64,iVBORw0KGgo=' }).ok, true);
    // The paint log's transit time is kept when it is a number, and dropped (not the whole report) when it is not.
    assert.deepEqual(parseWebviewMessage({ type: 'painted', ms: 12, points: 3, charts: 1, transitMs: 40.5 }), {
      ok: true,
      value: { type: 'painted', ms: 12, points: 3, charts: 1, transitMs: 40.5 },
    });
    assert.deepEqual(parseWebviewMessage({ type: 'painted', ms: 12, points: 3, charts: 1, transitMs: '<b>' }), { ok: true, value: { type: 'painted', ms: 12, points: 3, charts: 1 } });
  }
  assert.deepEqual(parseDashboardMessage({ type: 'openArtifact', path: 'plots/loss.png' }), { ok: true, value: { type: 'openArtifact', path: 'plots/loss.png' } });
  assert.deepEqual(parseDashboardMessage({ type: 'registerModel', path: 'artifacts/model.pt' }), { ok: true, value: { type: 'registerModel', path: 'artifacts/model.pt' } });
  assert.deepEqual(parseCompareMessage({ type: 'removeRun', runId: 'r1' }), { ok: true, value: { type: 'removeRun', runId: 'r1' } });
  for (const type of ['addRuns', 'exportCsv', 'exportMarkdown']) assert.deepEqual(parseCompareMessage({ type, extra: 1 }), { ok: true, value: { type } });
  assert.deepEqual(parseDashboardMessage({ type: 'state', state: { kind: 'dashboard', runId: 'a', options } }), {
    ok: true,
    value: { type: 'state', state: { kind: 'dashboard', runId: 'a', options: { x: 'step', y: 'log', smoothing: 0.6 } } },
  });
  assert.equal(parseCompareMessage({ type: 'state', state: { kind: 'compare', runIds: ['a'], options, onlyDifferences: true, hidden: [] } }).ok, true);
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
    { type: 'removeRun', runId: '' },
    { type: 'openArtifact', path: '../../etc/passwd' },
    { type: 'openArtifact', path: '/etc/passwd' },
    { type: 'openArtifact', path: 'C:/Windows/win.ini' },
    { type: 'registerModel', path: '../../etc/passwd' },
    { type: 'exportPng', name: 'x', dataUrl: 'data:text/html;base64,PHNjcmlwdD4=' },
    { type: 'exportPng', name: 'x', dataUrl: 'data:image/png;base64,<script>' },
    { type: 'painted', ms: Infinity, points: 1, charts: 1 },
    { type: 'state', state: { kind: 'compare', runIds: 'a', options, onlyDifferences: true, hidden: [] } },
    { type: 'state', state: { kind: 'dashboard', runId: '', options } },
  ];
  for (const [panel, parseWebviewMessage] of Object.entries(parsers)) {
    for (const raw of refused) {
      const r = parseWebviewMessage(raw);
      assert.equal(r.ok, false, `${panel}: ${JSON.stringify(raw)}`);
      if (!r.ok) assert.ok(r.reason.length > 0);
    }
  }
});

test('each panel refuses the other panel\'s messages and states', () => {
  // The dashboard cannot add runs or export a comparison; the compare view shows no artifacts to open.
  for (const raw of [{ type: 'addRuns' }, { type: 'removeRun', runId: 'r1' }, { type: 'exportCsv' }, { type: 'exportMarkdown' }]) {
    const r = parseDashboardMessage(raw);
    assert.equal(r.ok, false, JSON.stringify(raw));
    if (!r.ok) assert.match(r.reason, /unknown message type/);
  }
  const artifact = parseCompareMessage({ type: 'openArtifact', path: 'plots/loss.png' });
  assert.equal(artifact.ok, false);
  if (!artifact.ok) assert.match(artifact.reason, /unknown message type/);
  assert.equal(parseDashboardMessage({ type: 'state', state: { kind: 'compare', runIds: ['a'], options, onlyDifferences: true, hidden: [] } }).ok, false);
  assert.equal(parseCompareMessage({ type: 'state', state: { kind: 'dashboard', runId: 'a', options } }).ok, false);
  assert.equal(parseDashboardState({ kind: 'compare', runIds: ['a'], options, onlyDifferences: true, hidden: [] }).ok, false);
  assert.equal(parseCompareState({ kind: 'dashboard', runId: 'a', options }).ok, false);
});

test('panel states are validated and normalised', () => {
  const r = parseCompareState({ kind: 'compare', runIds: ['a', 'b', 'a'], options, onlyDifferences: true, hidden: ['b', 'zz'], extra: 1 });
  assert.ok(r.ok);
  if (r.ok && r.value.kind === 'compare') {
    assert.deepEqual(r.value.runIds, ['a', 'b']);
    assert.deepEqual(r.value.hidden, ['b'], 'hidden runs not in the view are dropped');
    assert.equal('extra' in r.value, false);
  }
  assert.equal(parseDashboardState({ kind: 'dashboard', runId: 'a', options: { ...options, smoothing: 2 } }).ok, false);
  assert.equal(parseDashboardState({ kind: 'dashboard', runId: 'a', options: { ...options, x: 'epoch' } }).ok, false);
  assert.equal(parseDashboardState({ kind: 'dashboard', runId: 'a', options }).ok, true);
  const extra = parseDashboardState({ kind: 'dashboard', runId: 'a', options, runIds: ['b'] });
  assert.ok(extra.ok && !('runIds' in extra.value), 'fields of other states are dropped');
});

test('a plot width rides along with ready and zoom only when plausible', () => {
  for (const parseWebviewMessage of Object.values(parsers)) {
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
  }
});

test('a capped run list is one that a reload restores', () => {
  const many = Array.from({ length: MAX_RUNS + 5 }, (_, i) => `run-${i}`);
  const { ids, leftOut } = capRunIds([...many, 'run-0']);
  assert.equal(ids.length, MAX_RUNS);
  assert.equal(leftOut, 5);
  const state = { kind: 'compare', runIds: ids, options: { x: 'step', y: 'linear', smoothing: 0 }, onlyDifferences: true, hidden: [] };
  assert.ok(parseCompareState(state).ok);
  assert.deepEqual(capRunIds(['a', 'b', 'a']), { ids: ['a', 'b'], leftOut: 0 });
});

test('the sweep panel accepts its own few messages and a state naming a sweep folder, nothing else', () => {
  const state = { kind: 'sweep', root: '/ws/.trackside', id: 'grid-0a1b2c3d' };
  assert.deepEqual(parseSweepState(state), { ok: true, value: state });
  for (const bad of [{ ...state, id: '../x' }, { ...state, id: 'a/b' }, { ...state, root: 'relative' }, { ...state, kind: 'compare' }]) {
    assert.equal(parseSweepState(bad).ok, false, JSON.stringify(bad));
  }
  assert.deepEqual(parseSweepMessage({ type: 'ready', plotWidth: 3 }), { ok: true, value: { type: 'ready' } });
  assert.deepEqual(parseSweepMessage({ type: 'control', action: 'pause' }), { ok: true, value: { type: 'control', action: 'pause' } });
  assert.equal(parseSweepMessage({ type: 'control', action: 'rm -rf' }).ok, false);
  assert.deepEqual(parseSweepMessage({ type: 'openRun', runId: 'r1' }), { ok: true, value: { type: 'openRun', runId: 'r1' } });
  assert.equal(parseSweepMessage({ type: 'zoom', requestId: 1, x: 'step', range: null }).ok, false, 'chart messages are not the sweep panel\'s');
  assert.equal(parseSweepMessage({ type: 'state', state: { ...state, id: '..' } }).ok, false);
});
