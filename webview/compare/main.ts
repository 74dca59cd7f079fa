// The compare view: runs legend, metric summary (best marked, deltas against a baseline), params diff,
// overlaid charts, parallel coordinates and scatter. Every run keeps one colour everywhere in the view.
import '../shared/elements';
import '../shared/style.css';
import type { CompareData, CompareState, MetricSummaryRow, Param, ParamRow, RunView } from '../../src/contract/messages';
import { DEFAULT_OPTIONS } from '../../src/contract/messages';
import { formatDelta, formatNumber, formatParam } from '../../src/charts/format';
import { primaryKey } from '../../src/charts/summary';
import { numericParam } from '../../src/charts/params';
import { onHostMessage, post, saveState } from '../shared/api';
import type { Chart } from '../shared/chartSetup';
import { ChartsSession } from '../shared/chartsSession';
import { button, h, linkButton, swatch } from '../shared/dom';
import type { CheckboxElement, SelectElement } from '../shared/elements';
import { noticeArea } from '../shared/status';
import { onThemeChange } from '../shared/theme';
import { drawParallel } from './parcoords';
import { drawScatter, type ScatterPoint } from './scatter';

const app = document.getElementById('app')!;
const notices = noticeArea();
let data: CompareData | undefined;
let state: CompareState | undefined;

const title = h('h1', {}, 'Compare runs');
const legend = h('div', { class: 'legend', role: 'group', 'aria-label': 'Runs shown in the charts' });
const metricsBox = h('div', { class: 'scroll' });
const baselineSelect = h('vscode-single-select', { id: 'baseline', 'aria-label': 'Baseline run' }) as SelectElement;
const paramsBox = h('div', { class: 'scroll' });
const onlyDiff = h('vscode-checkbox', { id: 'only-diff', label: 'Only differences', checked: true }) as CheckboxElement;
const chartRoot = h('div', { class: 'charts' });
const parCanvas = h('canvas', { role: 'img', 'aria-label': 'Parallel coordinates' });
const parTable = h('div', { class: 'table-alt', hidden: true });
const targetSelect = h('vscode-single-select', { id: 'target', 'aria-label': 'Metric' }) as SelectElement;
const scatterParam = h('vscode-single-select', { id: 'scatter-param', 'aria-label': 'Param' }) as SelectElement;
const scatterCanvas = h('canvas', { role: 'img', 'aria-label': 'Scatter' });
let scatterChart: Chart<'scatter', ScatterPoint[]> | undefined;

const session = new ChartsSession(chartRoot, DEFAULT_OPTIONS, (options) => update({ options }));

function update(patch: Partial<CompareState>): void {
  if (!state) return;
  state = { ...state, ...patch };
  saveState(state);
}

const actions = h(
  'div',
  { class: 'row', role: 'toolbar', 'aria-label': 'Comparison actions' },
  button('Add runs…', () => post({ type: 'addRuns' }), { 'data-action': 'add-runs' }),
  button('Export CSV', () => post({ type: 'exportCsv' }), { secondary: true, 'data-action': 'export-csv' }),
  button('Markdown report', () => post({ type: 'exportMarkdown' }), { secondary: true, 'data-action': 'export-markdown' }),
);

const parToggle = linkButton('Table', () => {
  parTable.hidden = !parTable.hidden;
  parCanvas.parentElement!.hidden = !parTable.hidden;
  parToggle.textContent = parTable.hidden ? 'Table' : 'Chart';
  parToggle.setAttribute('aria-pressed', String(!parTable.hidden));
});

const relationsSection = h(
  'section',
  { class: 'section', 'aria-labelledby': 'par-title' },
  h('h2', { id: 'par-title' }, 'Params → metric'),
  h('div', { class: 'row control' }, h('label', { for: 'target' }, 'Metric (best value)'), targetSelect, parToggle),
  h('div', { class: 'parcoords-wrap' }, parCanvas),
  parTable,
  h('h3', { class: 'group-title' }, 'Scatter'),
  h('div', { class: 'row control' }, h('label', { for: 'scatter-param' }, 'Param'), scatterParam),
  h('div', { class: 'scatter-wrap' }, scatterCanvas),
);

app.replaceChildren(
  notices.el,
  title,
  actions,
  h('section', { class: 'section', 'aria-labelledby': 'runs-title' }, h('h2', { id: 'runs-title' }, 'Runs'), legend),
  h('section', { class: 'section', 'aria-labelledby': 'charts-title' }, h('h2', { id: 'charts-title' }, 'Charts'), session.controls.el, chartRoot),
  h(
    'section',
    { class: 'section', 'aria-labelledby': 'metrics-title' },
    h('h2', { id: 'metrics-title' }, 'Metrics'),
    h('div', { class: 'row control' }, h('label', { for: 'baseline' }, 'Deltas against'), baselineSelect),
    metricsBox,
  ),
  h('section', { class: 'section', 'aria-labelledby': 'params-title' }, h('h2', { id: 'params-title' }, 'Params'), h('div', { class: 'row' }, onlyDiff), paramsBox),
  relationsSection,
);

onlyDiff.addEventListener('change', () => {
  update({ onlyDifferences: onlyDiff.checked });
  renderParams();
});
baselineSelect.addEventListener('change', () => update({ baseline: baselineSelect.value }));
targetSelect.addEventListener('change', () => {
  update({ targetMetric: targetSelect.value });
  renderRelations();
});
scatterParam.addEventListener('change', () => {
  update({ scatterParam: scatterParam.value });
  renderRelations();
});

function runHead(r: RunView, removable: boolean): HTMLElement {
  return h(
    'th',
    { scope: 'col' },
    h(
      'span',
      { class: 'runhead' },
      swatch(r.color),
      linkButton(r.name, () => post({ type: 'openRun', runId: r.id }), { title: `Open the dashboard of ${r.id}` }),
      removable ? linkButton('×', () => post({ type: 'removeRun', runId: r.id }), { class: 'link remove', 'aria-label': `Remove ${r.name} from the comparison`, title: 'Remove from the comparison' }) : null,
    ),
  );
}

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
  const runs = data.runs;
  baselineSelect.replaceChildren(...runs.map((r) => h('vscode-option', { value: r.id }, r.name)));
  if (baseline) baselineSelect.value = baseline;
  if (rows.length === 0) {
    metricsBox.replaceChildren(h('p', { class: 'empty' }, 'No metrics logged.'));
    return;
  }
  const baseIndex = runs.findIndex((r) => r.id === baseline);
  const body = rows.map((row) =>
    h(
      'tr',
      { 'data-key': row.key },
      h(
        'th',
        { scope: 'row' },
        row.key,
        row.goal === 'none' ? null : h('span', { class: 'meta', title: row.goal === 'min' ? 'Lower is better' : 'Higher is better' }, row.goal === 'min' ? ' ↓' : ' ↑'),
      ),
      ...row.cells.map((cell, i) => {
        if (!cell) return h('td', { class: 'num' }, '—');
        const best = i === row.bestIndex;
        const cls = ['num', best ? 'best' : '', i === baseIndex ? 'baseline' : ''].filter(Boolean).join(' ');
        const delta =
          cell.delta !== undefined && i !== baseIndex
            ? h('span', { class: `delta ${cell.delta === 0 || row.goal === 'none' ? '' : (row.goal === 'min') === cell.delta < 0 ? 'better' : 'worse'}` }, `Δ ${formatDelta(cell.delta)}`)
            : null;
        return h(
          'td',
          { class: cls, 'data-best': best ? 'true' : undefined, title: `last ${formatNumber(cell.last)} at step ${cell.lastStep}` },
          best ? h('span', { class: 'mark', 'aria-label': 'best' }, '★ ') : null,
          formatNumber(cell.best),
          h('span', { class: 'delta' }, `last ${formatNumber(cell.last)}`),
          delta,
        );
      }),
    ),
  );
  metricsBox.replaceChildren(
    h(
      'table',
      { class: 'metrics' },
      h('caption', { class: 'visually-hidden' }, 'Best value per metric and run; ★ marks the best run; deltas are against the baseline run'),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Metric: best, last'), ...runs.map((r) => runHead(r, runs.length > 1)))),
      h('tbody', {}, ...body),
    ),
  );
}

function same(a: Param | undefined, b: Param | undefined): boolean {
  return Object.is(a, b);
}

function renderParams(): void {
  if (!data || !state) return;
  const runs = data.runs;
  const baseIndex = Math.max(0, runs.findIndex((r) => r.id === data!.baseline));
  const rows: ParamRow[] = state.onlyDifferences ? data.params.filter((p) => p.differs) : data.params;
  if (rows.length === 0) {
    paramsBox.replaceChildren(h('p', { class: 'empty' }, data.params.length ? 'All params are the same in these runs.' : 'No params logged.'));
    return;
  }
  paramsBox.replaceChildren(
    h(
      'table',
      { class: 'params' },
      h('caption', { class: 'visually-hidden' }, 'Params per run; highlighted cells differ from the baseline run'),
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Param'), ...runs.map((r) => runHead(r, false)))),
      h(
        'tbody',
        {},
        ...rows.map((p) =>
          h(
            'tr',
            { 'data-key': p.key, 'data-differs': p.differs ? 'true' : 'false' },
            h('th', { scope: 'row', class: p.differs ? 'differs' : '' }, p.key),
            ...p.values.map((v) => {
              const differs = p.differs && !same(v, p.values[baseIndex]);
              return h('td', { class: differs ? 'differs' : '', 'data-differs': differs ? 'true' : undefined, title: differs ? 'Differs from the baseline' : undefined }, formatParam(v));
            }),
          ),
        ),
      ),
    ),
  );
}

function relationKeys(): { metric?: string; param?: string } {
  if (!data || !state) return {};
  const keys = data.metrics.map((m) => m.key).filter((k) => !k.startsWith('system/'));
  const metric = state.targetMetric && keys.includes(state.targetMetric) ? state.targetMetric : primaryKey(keys);
  const numeric = data.params.filter((p) => p.values.some((v) => numericParam(v ?? undefined) !== undefined));
  const preferred = numeric.find((p) => p.differs) ?? numeric[0];
  const param = state.scatterParam && data.params.some((p) => p.key === state!.scatterParam) ? state.scatterParam : preferred?.key;
  return { metric, param };
}

// The parallel coordinates and scatter sit below the charts and tables: they are drawn when scrolled near, and
// a change while they are off screen only marks them stale, so a hundred-run view never draws them unseen.
let relationsStale = true;
let relationsNear = false;
const relationsObserver = new IntersectionObserver(
  (entries) => {
    relationsNear = entries.some((e) => e.isIntersecting);
    if (relationsNear && relationsStale) drawRelations();
  },
  { rootMargin: '300px 0px' },
);
relationsObserver.observe(relationsSection);

function renderRelations(): void {
  relationsStale = true;
  if (relationsNear) drawRelations();
}

function drawRelations(): void {
  if (!data || !state) return;
  relationsStale = false;
  const { metric, param } = relationKeys();
  const metricKeys = data.metrics.map((m) => m.key).filter((k) => !k.startsWith('system/'));
  targetSelect.replaceChildren(...metricKeys.map((k) => h('vscode-option', { value: k }, k)));
  scatterParam.replaceChildren(...data.params.map((p) => h('vscode-option', { value: p.key }, p.key)));
  if (metric) targetSelect.value = metric;
  if (param) scatterParam.value = param;
  const hidden = new Set(state.hidden);
  const row = data.metrics.find((m) => m.key === metric);
  const metricValues = data.runs.map((_, i) => row?.cells[i]?.best);
  const differing = data.params.filter((p) => p.differs).slice(0, 10);
  const axes = [...differing.map((p) => ({ label: p.key, values: p.values })), { label: metric ?? 'metric', values: metricValues.map((v) => (v !== undefined && Number.isFinite(v) ? v : undefined)) }];
  const lines = data.runs.map((r) => (hidden.has(r.id) ? undefined : { color: r.color, name: r.name }));
  const drawn = drawParallel(parCanvas, axes, lines);
  parCanvas.dataset.lines = String(drawn);
  parCanvas.setAttribute('aria-label', `Parallel coordinates of ${differing.length} differing params and ${metric ?? 'no metric'}: ${drawn} runs. Use the Table button for the values.`);
  parTable.replaceChildren(
    h(
      'table',
      {},
      h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Run'), ...axes.map((a) => h('th', { scope: 'col' }, a.label)))),
      h('tbody', {}, ...data.runs.map((r, i) => h('tr', {}, h('th', { scope: 'row' }, r.name), ...axes.map((a) => h('td', {}, formatParam(a.values[i])))))),
    ),
  );
  const prow = data.params.find((p) => p.key === param);
  const points: ScatterPoint[] = [];
  data.runs.forEach((r, i) => {
    const x = numericParam(prow?.values[i] ?? undefined);
    const y = metricValues[i];
    if (!hidden.has(r.id) && x !== undefined && y !== undefined && Number.isFinite(y)) points.push({ x, y, name: r.name, color: r.color });
  });
  scatterChart = drawScatter(scatterCanvas, scatterChart, points, param ?? 'param', metric ?? 'metric', state.options.y === 'log');
}

onHostMessage((m) => {
  if (session.handle(m)) return;
  switch (m.type) {
    case 'compare/state': {
      data = m;
      state = m.state;
      onlyDiff.checked = state.onlyDifferences;
      session.stateReceived(m.hostMs, m.state.options);
      saveState(state);
      app.setAttribute('aria-busy', 'false');
      title.textContent = `Compare ${m.runs.length} runs`;
      session.charts.setAll(m.keys, m.runs.map((r) => ({ id: r.id, name: r.name, color: r.color, startTime: r.startTime })), m.series, m.state.options, m.state.hidden);
      renderLegend();
      // The tables and relation charts are below the charts: build them after the charts' first frame.
      const shown = m;
      requestAnimationFrame(() =>
        setTimeout(() => {
          if (data !== shown) return;
          renderMetrics(shown.metrics, shown.baseline);
          renderParams();
          renderRelations();
        }, 0),
      );
      return;
    }
    case 'compare/metrics':
      if (!data) return;
      data = { ...data, metrics: m.metrics, baseline: m.baseline };
      renderMetrics(m.metrics, m.baseline);
      renderParams();
      renderRelations();
      return;
    case 'series/append':
      if (data) {
        const byId = new Map(m.runs.map((r) => [r.id, r]));
        data = { ...data, runs: data.runs.map((r) => byId.get(r.id) ?? r) };
        session.charts.setRuns(data.runs.map((r) => ({ id: r.id, name: r.name, color: r.color, startTime: r.startTime })));
      }
      session.charts.append(m.series);
      return;
    case 'notice':
      notices.show(m.level, m.message);
      app.setAttribute('aria-busy', 'false');
      return;
    default:
      return;
  }
});

onThemeChange(() => {
  session.charts.themeChanged();
  renderRelations();
});
let resizeTimer: number | undefined;
window.addEventListener('resize', () => {
  window.clearTimeout(resizeTimer);
  resizeTimer = window.setTimeout(() => renderRelations(), 150);
});
session.ready();
