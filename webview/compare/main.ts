// The compare view: runs legend, metric summary (best marked, deltas against a baseline), params diff,
// overlaid charts, parallel coordinates and scatter. Every run keeps one colour everywhere in the view. A new set of
// runs (runs added or removed, or the preview panel shown another comparison) starts the media and zoom afresh.
import '../shared/elements';
import '../shared/style.css';
import type { CompareData, CompareState } from '../../src/protocol/compare';
import type { MetricSummaryRow } from '../../src/shared/summary';
import { DEFAULT_OPTIONS } from '../../src/protocol/common';
import { onHostMessage, post, saveState } from './channel';
import { ChartsSession } from '../shared/chartsSession';
import { button, h, linkButton, swatch } from '../shared/dom';
import type { CheckboxElement, SelectElement } from '../shared/elements';
import { noticeArea } from '../shared/status';
import { onThemeChange } from '../shared/theme';
import { Relations } from './relations';
import { MediaView } from '../shared/media';
import { metricsTable, paramsTable } from './tables';

const app = document.getElementById('app')!;
const notices = noticeArea();
let data: CompareData | undefined;
let state: CompareState | undefined;
/** Full states received: the tables built after a state's first frame are for the newest only. */
let states = 0;

const title = h('h1', {}, 'Compare runs');
const legend = h('div', { class: 'legend', role: 'group', 'aria-label': 'Runs shown in the charts' });
const metricsBox = h('div', { class: 'scroll' });
const baselineSelect = h('vscode-single-select', { id: 'baseline', 'aria-label': 'Baseline run' }) as SelectElement;
const paramsBox = h('div', { class: 'scroll' });
const onlyDiff = h('vscode-checkbox', { id: 'only-diff', label: 'Only differences', checked: true }) as CheckboxElement;
const chartRoot = h('div', { class: 'charts' });
const media = new MediaView(post);
const mediaSection = h('section', { class: 'section', 'aria-labelledby': 'media-title', hidden: true }, h('h2', { id: 'media-title' }, 'Media'), media.el);

const session = new ChartsSession(chartRoot, DEFAULT_OPTIONS, (options) => update({ options }), post);

function update(patch: Partial<CompareState>): void {
  if (!state) return;
  state = { ...state, ...patch };
  saveState(state);
}

const relations = new Relations(() => ({ data, state }), update);

const actions = h(
  'div',
  { class: 'row', role: 'toolbar', 'aria-label': 'Comparison actions' },
  button('Add runs…', () => post({ type: 'addRuns' }), { 'data-action': 'add-runs' }),
  button('Export CSV', () => post({ type: 'exportCsv' }), { secondary: true, 'data-action': 'export-csv' }),
  button('Markdown report', () => post({ type: 'exportMarkdown' }), { secondary: true, 'data-action': 'export-markdown' }),
);

app.replaceChildren(
  notices.el,
  title,
  actions,
  h('section', { class: 'section', 'aria-labelledby': 'runs-title' }, h('h2', { id: 'runs-title' }, 'Runs'), legend),
  h('section', { class: 'section', 'aria-labelledby': 'charts-title' }, h('h2', { id: 'charts-title' }, 'Charts'), session.controls.el, chartRoot),
  mediaSection,
  h(
    'section',
    { class: 'section', 'aria-labelledby': 'metrics-title' },
    h('h2', { id: 'metrics-title' }, 'Metrics'),
    h('div', { class: 'row control' }, h('label', { for: 'baseline' }, 'Deltas against'), baselineSelect),
    metricsBox,
  ),
  h('section', { class: 'section', 'aria-labelledby': 'params-title' }, h('h2', { id: 'params-title' }, 'Params'), h('div', { class: 'row' }, onlyDiff), paramsBox),
  relations.section,
);
relations.observe();

onlyDiff.addEventListener('change', () => {
  update({ onlyDifferences: onlyDiff.checked });
  renderParams();
});
baselineSelect.addEventListener('change', () => update({ baseline: baselineSelect.value }));

function renderLegend(): void {
  if (!data || !state) return;
  const hidden = new Set(state.hidden);
  const items = data.runs.map((r) => {
    const box = h('input', { type: 'checkbox', checked: !hidden.has(r.id), 'data-run': r.id });
    const label = h('label', { class: hidden.has(r.id) ? 'off' : '' }, box, swatch(r.color), r.name);
    box.addEventListener('change', () => {
      const next = new Set(state!.hidden);
      if (box.checked) next.delete(r.id);
      else next.add(r.id);
      label.className = box.checked ? '' : 'off';
      update({ hidden: [...next] });
      session.charts.setHidden(next);
      renderRelations();
    });
    return label;
  });
  const all = linkButton('Show all', () => {
    update({ hidden: [] });
    session.charts.setHidden([]);
    renderLegend();
    renderRelations();
  });
  const none = linkButton('Hide all', () => {
    const ids = data!.runs.map((r) => r.id);
    update({ hidden: ids });
    session.charts.setHidden(ids);
    renderLegend();
    renderRelations();
  });
  legend.replaceChildren(...items, h('span', { class: 'row' }, all, none));
  if (data.missing.length) notices.show('error', `Not in the index (deleted or not indexed yet): ${data.missing.join(', ')}`);
}

function renderMetrics(rows: MetricSummaryRow[], baseline: string | undefined): void {
  if (!data) return;
  baselineSelect.replaceChildren(...data.runs.map((r) => h('vscode-option', { value: r.id }, r.name)));
  if (baseline) baselineSelect.value = baseline;
  metricsBox.replaceChildren(metricsTable(data.runs, rows, baseline));
}

function renderParams(): void {
  if (!data || !state) return;
  paramsBox.replaceChildren(paramsTable(data, state.onlyDifferences));
}

const runSet = (runs: ReadonlyArray<{ id: string }>): string => runs.map((r) => r.id).sort().join('\n');

function renderRelations(): void {
  relations.render();
}

onHostMessage((m) => {
  switch (m.type) {
    case 'compare/state': {
      if (data && runSet(data.runs) !== runSet(m.runs)) {
        // Cached media steps and pending answers are for the old set: a step cached for it lacks the new runs.
        media.reset();
        notices.el.replaceChildren();
        session.newRuns();
      }
      data = m;
      state = m.state;
      onlyDiff.checked = state.onlyDifferences;
      session.stateReceived(m.timing, m.state.options);
      saveState(state);
      app.setAttribute('aria-busy', 'false');
      title.textContent = `Compare ${m.runs.length} runs`;
      session.charts.setAll(m.keys, m.runs.map((r) => ({ id: r.id, name: r.name, color: r.color, startTime: r.startTime })), m.series, m.state.options, m.state.hidden);
      renderLegend();
      mediaSection.hidden = m.media.length === 0;
      media.setKeys(m.media, m.runs);
      // The tables and relation charts are below the charts: build them after the charts' first frame, one task
      // each, so a message or a click between them waits for one table, not all of them.
      // A newer state builds its own; live appends that came meanwhile (data replaced) do not cancel these.
      const shown = ++states;
      const later = (f: () => void) => setTimeout(() => shown === states && f(), 0);
      requestAnimationFrame(() => {
        const started = performance.now();
        later(() => data && renderMetrics(data.metrics, data.baseline));
        later(() => renderParams());
        later(() => renderRelations());
        later(() => (document.body.dataset.restMs = (performance.now() - started).toFixed(1)));
      });
      return;
    }
    case 'compare/metrics':
      if (!data) return;
      data = { ...data, metrics: m.metrics, baseline: m.baseline };
      renderMetrics(m.metrics, m.baseline);
      renderParams();
      renderRelations();
      return;
    case 'media/items':
    case 'media/histograms':
    case 'media/tablePage':
    case 'media/keys': {
      if (m.type === 'media/keys') {
        // A live pass for the runs shown before can still be on its way.
        const shown = data ? new Set(data.runs.map((r) => r.id)) : undefined;
        const keys = shown ? m.keys.filter((k) => shown.has(k.runId)) : m.keys;
        mediaSection.hidden = keys.length === 0;
        media.received({ ...m, keys });
        return;
      }
      media.received(m);
      return;
    }
    case 'series/append':
      if (data) {
        const byId = new Map(m.runs.map((r) => [r.id, r]));
        data = { ...data, runs: data.runs.map((r) => byId.get(r.id) ?? r) };
        session.charts.setRuns(data.runs.map((r) => ({ id: r.id, name: r.name, color: r.color, startTime: r.startTime })));
      }
      session.received(m, notices, app);
      return;
    default:
      session.received(m, notices, app);
  }
});

onThemeChange(() => {
  session.charts.themeChanged();
  renderRelations();
  media.themeChanged();
});
let resizeTimer: number | undefined;
window.addEventListener('resize', () => {
  window.clearTimeout(resizeTimer);
  resizeTimer = window.setTimeout(() => renderRelations(), 150);
});
session.ready();
