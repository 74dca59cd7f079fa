// The params → metric section of the compare view: parallel coordinates (with a table alternative) and a
// scatter of one param against the chosen metric.
import type { CompareData, CompareState } from '../../src/protocol/compare';
import type { ParamRow } from '../../src/shared/params';
import { formatParam } from '../../src/shared/format';
import { primaryKey } from '../../src/shared/summary';
import { numericParam } from '../../src/shared/params';
import type { Chart } from '../shared/chartSetup';
import { h, linkButton } from '../shared/dom';
import type { SelectElement } from '../shared/elements';
import { drawParallel, type Axis } from './parcoords';
import { drawScatter, type ScatterPoint } from './scatter';

function relationKeys(data: CompareData, state: CompareState): { metric?: string; param?: string } {
  const keys = data.metrics.map((m) => m.key).filter((k) => !k.startsWith('system/'));
  const metric = state.targetMetric && keys.includes(state.targetMetric) ? state.targetMetric : primaryKey(keys);
  const numeric = data.params.filter((p) => p.values.some((v) => numericParam(v ?? undefined) !== undefined));
  const preferred = numeric.find((p) => p.differs) ?? numeric[0];
  const param = state.scatterParam && data.params.some((p) => p.key === state.scatterParam) ? state.scatterParam : preferred?.key;
  return { metric, param };
}

export class Relations {
  readonly section: HTMLElement;
  private readonly parCanvas = h('canvas', { role: 'img', 'aria-label': 'Parallel coordinates' });
  private readonly parTable = h('div', { class: 'table-alt', hidden: true });
  private readonly targetSelect = h('vscode-single-select', { id: 'target', 'aria-label': 'Metric' }) as SelectElement;
  private readonly scatterParam = h('vscode-single-select', { id: 'scatter-param', 'aria-label': 'Param' }) as SelectElement;
  private readonly scatterCanvas = h('canvas', { role: 'img', 'aria-label': 'Scatter' });
  private scatterChart: Chart<'scatter', ScatterPoint[]> | undefined;
  // The parallel coordinates and scatter sit below the charts and tables: they are drawn when scrolled near, and
  // a change while they are off screen only marks them stale, so a hundred-run view never draws them unseen.
  private stale = true;
  private near = false;
  private readonly observer = new IntersectionObserver(
    (entries) => {
      this.near = entries.some((e) => e.isIntersecting);
      if (this.near && this.stale) this.draw();
    },
    { rootMargin: '300px 0px' },
  );

  constructor(
    private readonly view: () => { data: CompareData | undefined; state: CompareState | undefined },
    update: (patch: Partial<CompareState>) => void,
  ) {
    const { parCanvas, parTable, targetSelect, scatterParam, scatterCanvas } = this;
    const parToggle = linkButton('Table', () => {
      parTable.hidden = !parTable.hidden;
      parCanvas.parentElement!.hidden = !parTable.hidden;
      parToggle.textContent = parTable.hidden ? 'Table' : 'Chart';
      parToggle.setAttribute('aria-pressed', String(!parTable.hidden));
    });
    this.section = h(
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
    targetSelect.addEventListener('change', () => {
      update({ targetMetric: targetSelect.value });
      this.render();
    });
    scatterParam.addEventListener('change', () => {
      update({ scatterParam: scatterParam.value });
      this.render();
    });
  }

  /** Starts watching for the section coming near the screen; call once it is in the page. */
  observe(): void {
    this.observer.observe(this.section);
  }

  render(): void {
    this.stale = true;
    if (this.near) this.draw();
  }

  private draw(): void {
    const { data, state } = this.view();
    if (!data || !state) return;
    const { parCanvas, parTable, targetSelect, scatterParam } = this;
    this.stale = false;
    const { metric, param } = relationKeys(data, state);
    const metricKeys = data.metrics.map((m) => m.key).filter((k) => !k.startsWith('system/'));
    targetSelect.replaceChildren(...metricKeys.map((k) => h('vscode-option', { value: k }, k)));
    scatterParam.replaceChildren(...data.params.map((p) => h('vscode-option', { value: p.key }, p.key)));
    if (metric) targetSelect.value = metric;
    if (param) scatterParam.value = param;
    const hidden = new Set(state.hidden);
    const row = data.metrics.find((m) => m.key === metric);
    const metricValues = data.runs.map((_, i) => row?.cells[i]?.best);
    const differing = data.params.filter((p) => p.differs).slice(0, 10);
    const axes: Array<Axis & { exact?: Array<string | undefined> }> = [
      ...differing.map((p: ParamRow) => ({ label: p.key, values: p.values, exact: p.exact })),
      { label: metric ?? 'metric', values: metricValues.map((v) => (v !== undefined && Number.isFinite(v) ? v : undefined)) },
    ];
    const lines = data.runs.map((r) => (hidden.has(r.id) ? undefined : { color: r.color, name: r.name }));
    const drawn = drawParallel(parCanvas, axes, lines);
    parCanvas.dataset.lines = String(drawn);
    parCanvas.setAttribute('aria-label', `Parallel coordinates of ${differing.length} differing params and ${metric ?? 'no metric'}: ${drawn} runs. Use the Table button for the values.`);
    parTable.replaceChildren(
      h(
        'table',
        {},
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Run'), ...axes.map((a) => h('th', { scope: 'col' }, a.label)))),
        h('tbody', {}, ...data.runs.map((r, i) => h('tr', {}, h('th', { scope: 'row' }, r.name), ...axes.map((a) => h('td', {}, formatParam(a.values[i], a.exact?.[i])))))),
      ),
    );
    const prow = data.params.find((p) => p.key === param);
    const points: ScatterPoint[] = [];
    data.runs.forEach((r, i) => {
      const x = numericParam(prow?.values[i] ?? undefined);
      const y = metricValues[i];
      if (!hidden.has(r.id) && x !== undefined && y !== undefined && Number.isFinite(y)) points.push({ x, y, name: r.name, color: r.color });
    });
    this.scatterChart = drawScatter(this.scatterCanvas, this.scatterChart, points, param ?? 'param', metric ?? 'metric', state.options.y === 'log');
  }
}
