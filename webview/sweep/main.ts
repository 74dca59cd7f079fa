// The sweep panel: where the sweep stands (with stop, pause, resume), best-so-far by trial, the trials' parallel
// coordinates coloured by the metric, param importance and the trial table. Redrawn whole on each update.
import '../shared/elements';
import '../shared/style.css';
import './sweep.css';
import type { SweepData } from '../../src/protocol/sweep';
import { formatNumber, formatParam } from '../../src/shared/format';
import type { Param } from '../../src/shared/params';
import { drawParallel, type Axis, type Line } from '../compare/parcoords';
import { Chart } from '../shared/chartSetup';
import { button, h, linkButton } from '../shared/dom';
import { noticeArea } from '../shared/status';
import { canvasColor, onThemeChange, themeColors } from '../shared/theme';
import { onHostMessage, post, saveState } from './channel';

const app = document.getElementById('app')!;
const notices = noticeArea();
let data: SweepData | undefined;
let chart: Chart | undefined;

const title = h('h1', {});
const summary = h('div', { class: 'summary', role: 'status' });
const actions = h('div', { class: 'row', role: 'toolbar', 'aria-label': 'Sweep actions' });
const bestCanvas = h('canvas', { 'aria-label': 'Each trial\'s value and the best so far, by trial number', role: 'img' });
const parCanvas = h('canvas', { 'aria-label': 'Parallel coordinates of the trials\' params, coloured by the metric', role: 'img' });
const scale = h('div', { class: 'scale' });
const importanceBox = h('div', {});
const trialsBox = h('div', { class: 'scroll' });

app.replaceChildren(
  notices.el,
  title,
  summary,
  actions,
  h('section', { class: 'section', 'aria-labelledby': 'best-title' }, h('h2', { id: 'best-title' }, 'Best so far'), h('div', { class: 'best-plot' }, bestCanvas)),
  h('section', { class: 'section', 'aria-labelledby': 'par-title' }, h('h2', { id: 'par-title' }, 'Parallel coordinates'), scale, h('div', { class: 'parcoords-wrap' }, parCanvas)),
  h('section', { class: 'section', 'aria-labelledby': 'imp-title' }, h('h2', { id: 'imp-title' }, 'Param importance'), importanceBox),
  h('section', { class: 'section', 'aria-labelledby': 'trials-title' }, h('h2', { id: 'trials-title' }, 'Trials'), trialsBox),
);
app.removeAttribute('aria-busy');

/** Low to high metric value: blue to orange through the theme's chart colours (better = green end when it matters). */
function metricColor(t: number): string {
  const lo = canvasColor('var(--vscode-charts-blue)');
  const hi = canvasColor('var(--vscode-charts-orange)');
  const parse = (c: string): number[] => (/rgba?\(([^)]+)\)/.exec(c)?.[1] ?? '0,0,0').split(',').map(Number);
  const [a, b] = [parse(lo), parse(hi)];
  const mix = (i: number): number => Math.round(a[i]! + (b[i]! - a[i]!) * t);
  return `rgb(${mix(0)}, ${mix(1)}, ${mix(2)})`;
}

function render(): void {
  if (!data) return;
  const s = data.sweep;
  title.replaceChildren(`Sweep ${s.name ?? s.id}`, h('span', { class: `phase phase-${s.phase}`, 'data-phase': s.phase }, s.phase));
  const metric = s.metric ? `${s.metric.name} (${s.metric.goal === 'maximize' ? 'higher' : 'lower'} is better)` : 'no metric';
  summary.replaceChildren(
    h('span', { 'data-field': 'progress' }, `${s.done}/${s.total ?? '?'} trials`),
    h('span', { 'data-field': 'best' }, s.best ? `best ${formatNumber(s.best.value)} (trial ${s.best.n})` : 'no best yet'),
    h('span', { 'data-field': 'counts' }, `${s.running} running · ${s.finished} finished · ${s.pruned} pruned · ${s.failed} failed · ${s.skipped} skipped`),
    h('span', { class: 'meta' }, `${s.method} · ${metric}`),
  );
  if (s.reason) summary.append(h('span', { class: 'meta' }, s.reason));
  const live = s.phase === 'running' || s.phase === 'paused' || s.phase === 'interrupted';
  actions.replaceChildren(
    ...(s.phase === 'running' ? [button('Pause', () => post({ type: 'control', action: 'pause' }), { secondary: true, 'data-action': 'pause' })] : []),
    ...(s.phase !== 'running' && s.phase !== 'finished' ? [button('Resume', () => post({ type: 'control', action: 'resume' }), { 'data-action': 'resume' })] : []),
    ...(live ? [button('Stop', () => post({ type: 'control', action: 'stop' }), { secondary: true, 'data-action': 'stop' })] : []),
  );
  drawBest(data);
  drawPar(data);
  drawImportance(data);
  drawTrials(data);
}

function drawBest(d: SweepData): void {
  const theme = themeColors();
  const values = d.curve.filter((c) => c.value !== undefined).map((c) => ({ x: c.n, y: c.value! }));
  const best = d.curve.filter((c) => c.best !== undefined).map((c) => ({ x: c.n, y: c.best! }));
  const blue = canvasColor('var(--vscode-charts-blue)');
  const green = canvasColor('var(--vscode-charts-green)');
  const datasets = [
    { label: 'best so far', data: best, borderColor: green, backgroundColor: green, stepped: 'before' as const, pointRadius: 0, borderWidth: 2, order: 1 },
    { label: d.sweep.metric?.name ?? 'value', data: values, borderColor: blue, backgroundColor: blue, showLine: false, pointRadius: 3, order: 2 },
  ];
  if (chart) {
    chart.data.datasets = datasets;
    chart.update('none');
    return;
  }
  chart = new Chart(bestCanvas, {
    type: 'line',
    data: { datasets },
    options: {
      parsing: false,
      animation: false,
      maintainAspectRatio: false,
      responsive: true,
      interaction: { mode: 'nearest', intersect: false },
      plugins: { tooltip: { callbacks: { title: (items) => `trial ${items[0]?.parsed.x ?? ''}`, label: (item) => `${item.dataset.label ?? ''}: ${formatNumber(item.parsed.y ?? NaN)}` } } },
      scales: {
        x: { type: 'linear', title: { display: true, text: 'trial', color: theme.muted }, ticks: { color: theme.muted, precision: 0 }, grid: { color: theme.grid } },
        y: { type: 'linear', title: { display: true, text: d.sweep.metric?.name ?? 'value', color: theme.muted }, ticks: { color: theme.muted, callback: (v) => formatNumber(Number(v)) }, grid: { color: theme.grid } },
      },
    },
  });
}

/** Positive numbers spanning two decades or more (a learning rate) are drawn in log10, or most would overlap. */
function logAxis(label: string, values: Array<Param | undefined>): Axis {
  const nums = values.filter((v): v is number => typeof v === 'number');
  if (nums.length < 2 || nums.length !== values.filter((v) => v !== undefined).length || nums.some((v) => !(v > 0))) return { label, values };
  if (Math.max(...nums) / Math.min(...nums) < 100) return { label, values };
  return { label: `log10 ${label}`, values: values.map((v) => (typeof v === 'number' ? Math.log10(v) : v)) };
}

function drawPar(d: SweepData): void {
  const rows = d.trials.filter((t) => t.value !== undefined);
  const axes: Axis[] = d.paramKeys.map((k) => logAxis(k, rows.map((t) => t.params[k])));
  axes.push({ label: d.sweep.metric?.name ?? 'value', values: rows.map((t) => t.value) });
  const vals = rows.map((t) => t.value!);
  const lo = Math.min(...vals);
  const hi = Math.max(...vals);
  const lines: Line[] = rows.map((t) => ({ name: `trial ${t.n}`, color: metricColor(hi > lo ? (t.value! - lo) / (hi - lo) : 0.5) }));
  drawParallel(parCanvas, axes, lines);
  const ramp = h('span', { class: 'ramp' });
  ramp.style.setProperty('--lo', metricColor(0));
  ramp.style.setProperty('--hi', metricColor(1));
  scale.replaceChildren(`${rows.length} trials with a value; colour:`, h('span', {}, vals.length ? formatNumber(lo) : '—'), ramp, h('span', {}, vals.length ? formatNumber(hi) : '—'));
}

function drawImportance(d: SweepData): void {
  if (d.importance.length === 0) {
    importanceBox.replaceChildren(h('p', { class: 'empty' }, 'Needs at least 3 trials with a value and a param that varies.'), h('p', { class: 'meta' }, d.importanceMethod));
    return;
  }
  const grid = h('div', { class: 'importance', role: 'list' });
  for (const i of d.importance) {
    const fill = h('span', {});
    fill.style.setProperty('--w', `${Math.round(i.score * 100)}%`);
    grid.append(h('span', { role: 'listitem' }, i.param), h('span', { class: 'bar', 'aria-hidden': 'true' }, fill), h('span', { class: 'num' }, i.score.toFixed(2)));
  }
  importanceBox.replaceChildren(grid, h('p', { class: 'meta' }, `Share of the metric's variance each param explains alone: ${d.importanceMethod}.`));
}

function drawTrials(d: SweepData): void {
  const head = h('tr', {}, h('th', {}, '#'), h('th', {}, 'outcome'), h('th', {}, d.sweep.metric?.name ?? 'value'), ...d.paramKeys.map((k) => h('th', {}, k)), h('th', {}, 'run'));
  const body = h('tbody', {});
  for (const t of [...d.trials].reverse()) {
    const row = h(
      'tr',
      { class: d.sweep.best?.n === t.n ? 'best-trial' : undefined, 'data-trial': t.n, 'data-outcome': t.outcome },
      h('td', { class: 'num' }, t.n),
      h('td', { title: t.reason }, t.outcome),
      h('td', { class: 'num' }, t.value === undefined ? '—' : formatNumber(t.value)),
      ...d.paramKeys.map((k) => h('td', {}, formatParam(t.params[k]))),
      h('td', {}, linkButton(t.run, () => post({ type: 'openRun', runId: t.run }))),
    );
    body.append(row);
  }
  trialsBox.replaceChildren(h('table', { 'aria-label': 'Trials' }, h('thead', {}, head), body));
}

onHostMessage((m) => {
  switch (m.type) {
    case 'sweep/state':
      data = m;
      saveState(m.state);
      render();
      return;
    case 'notice':
      notices.show(m.level, m.message);
      return;
  }
});
onThemeChange(() => {
  chart?.destroy();
  chart = undefined;
  render();
});
new ResizeObserver(() => data && drawPar(data)).observe(parCanvas);
post({ type: 'ready' });
