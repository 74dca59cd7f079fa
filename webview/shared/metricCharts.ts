// A grid of line charts, one per metric key, grouped by prefix: overlaid runs in their colours, EMA smoothing
// with the raw curve faint behind, x by step / wall time / relative time, linear or log y, drag-to-zoom shared
// by every chart, a table alternative per chart and PNG export. Only the charts on screen are built before the
// first frame; the rest, and the system group, are built when scrolled near. A built chart is never re-created:
// option, theme, visibility and live changes update it in place with `update('none')`.
import type { ChartOptions, SeriesData } from '../../src/protocol/common';
import { PointsCache } from './chartPoints';
import { formatNumber } from '../../src/shared/format';
import { chartGroup, groupKeys } from '../../src/shared/ranks';
import { X_LABELS } from './axes';
import { lineChartConfig, restyleScales } from './chartOptions';
import { Chart, type ChartConfiguration, type Point } from './chartSetup';
import { metricTable } from './chartTable';
import { attachZoom } from './chartZoom';
import { h, linkButton } from './dom';
import { SeriesCache } from './seriesCache';
import { canvasColor, themeColors } from './theme';

export interface ChartRun {
  id: string;
  name: string;
  color: string;
  startTime: number;
}

export interface MetricChartsHost {
  /** The user selected an x range (null: reset); the host is asked for denser data in it. */
  zoom(range: [number, number] | null): void;
  exportPng(name: string, dataUrl: string): void;
  /** First charts are on screen: for the paint timing. */
  painted(points: number, charts: number): void;
}

interface Card {
  key: string;
  el: HTMLElement;
  plot: HTMLElement;
  canvas: HTMLCanvasElement;
  selection: HTMLElement;
  table: HTMLElement;
  meta: HTMLElement;
  chart?: Chart<'line', Point[]>;
  showTable: boolean;
}

const RAW_BEHIND_MAX = 20;

export class MetricCharts {
  readonly cache = new SeriesCache();
  private runs: ChartRun[] = [];
  private hidden = new Set<string>();
  private options: ChartOptions = { x: 'step', y: 'linear', smoothing: 0.6 };
  private range: [number, number] | null = null;
  /** The hosts of a job on several: its `system/<host>/…` charts go under one heading per host. Set before setAll. */
  hosts: readonly string[] = [];
  private cards = new Map<string, Card>();
  private readonly observer: IntersectionObserver;
  private redrawQueued = new Set<string>();
  private readonly points = new PointsCache();
  /** One observer for every plot, instead of chart.js's one per chart. */
  private readonly resizer: ResizeObserver;
  /** Counts setAll calls: a paint report belongs to the latest. */
  private generation = 0;

  constructor(
    private readonly root: HTMLElement,
    private readonly host: MetricChartsHost,
  ) {
    this.observer = new IntersectionObserver((entries) => this.onVisible(entries), { root: document, rootMargin: '300px 0px' });
    this.resizer = new ResizeObserver((entries) => {
      for (const e of entries) {
        const card = this.cardOf(e.target);
        const width = Math.floor(e.contentRect.width);
        const height = Math.floor(e.contentRect.height);
        // The first report after observe() repeats the size the chart was built at: no redraw for that.
        if (!card?.chart || width <= 0 || (width === card.chart.width && height === card.chart.height)) continue;
        card.chart.resize(width, height);
      }
    });
  }

  /**
   * CSS pixels of a chart's plot at the current window size, measured on a hidden stand-in card as wide as a
   * chart can get (one alone in its group, or maximised), so no chart is drawn from fewer points than it shows.
   */
  plotWidth(): number {
    const plot = h('div', { class: 'plot' });
    const probe = h('div', { class: 'chart-grid', 'aria-hidden': 'true', style: 'visibility:hidden;height:0;overflow:hidden' }, h('section', { class: 'card maximized' }, plot));
    this.root.append(probe);
    const width = plot.clientWidth;
    probe.remove();
    return width;
  }

  get zoomRange(): [number, number] | null {
    return this.range;
  }

  /** Everything new: keys, runs, series. Old charts are destroyed. */
  setAll(keys: string[], runs: ChartRun[], series: SeriesData[], options: ChartOptions, hidden: Iterable<string>): void {
    this.runs = runs;
    this.options = options;
    this.hidden = new Set(hidden);
    this.range = null;
    this.cache.replaceAll(series);
    this.points.clear();
    for (const card of this.cards.values()) card.chart?.destroy();
    this.cards.clear();
    this.observer.disconnect();
    this.resizer.disconnect();
    this.root.replaceChildren();
    if (keys.length === 0) {
      this.root.append(h('p', { class: 'empty' }, 'No metrics logged yet.'));
      this.host.painted(0, 0);
      return;
    }
    let group = '';
    let grid: HTMLElement | undefined;
    for (const key of groupKeys(keys, this.hosts)) {
      const g = chartGroup(key, this.hosts);
      if (g.id !== group || !grid) {
        group = g.id;
        grid = h('div', { class: 'chart-grid', role: 'list' });
        this.root.append(h('h3', { class: 'group-title' }, g.title), grid);
      }
      const card = this.card(key);
      grid.append(card.el);
      this.cards.set(key, card);
    }
    // Charts on screen are drawn now, in this task, so the first frame shows them; the rest (and the system
    // group, which is rarely what a user opens a view for) are drawn when the observer sees them near, which is
    // after the first frame. Positions are read before any chart exists, so building does not force layouts.
    const buildStart = performance.now();
    const limit = window.innerHeight;
    const now = [...this.cards.values()].filter((c) => !c.key.startsWith('system/') && c.el.getBoundingClientRect().top < limit);
    for (const card of this.cards.values()) if (!now.includes(card)) this.observer.observe(card.el);
    const sizes = now.map((c) => c.plot.getBoundingClientRect());
    let points = 0;
    now.forEach((card, i) => (points += this.build(card, sizes[i])));
    const built = now.length;
    // How long building the charts took, apart from waiting for the frame: for the paint benchmark.
    document.body.dataset.buildMs = (performance.now() - buildStart).toFixed(1);
    // A task queued from the frame's callback runs once that frame is drawn: the charts are on screen then.
    // Not when a newer setAll replaced these charts before their frame (a preview panel shown another run at once).
    const generation = ++this.generation;
    requestAnimationFrame(() => setTimeout(() => generation === this.generation && this.host.painted(points, built), 0));
  }

  setRuns(runs: ChartRun[]): void {
    this.runs = runs;
  }

  setOptions(options: ChartOptions): void {
    const xChanged = options.x !== this.options.x;
    this.options = options;
    if (xChanged && this.range) {
      // A range in one x unit means nothing in another: drop the zoom and ask for the full data again.
      this.range = null;
      this.host.zoom(null);
    }
    for (const card of this.cards.values()) if (card.chart) this.refresh(card);
  }

  setHidden(hidden: Iterable<string>): void {
    this.hidden = new Set(hidden);
    for (const card of this.cards.values()) if (card.chart) this.refresh(card);
  }

  append(series: SeriesData[]): void {
    for (const key of this.cache.append(series)) this.queueRedraw(key);
  }

  /** Denser data for a range (or the full range again), from the host. */
  replaceRange(range: [number, number] | null, series: SeriesData[]): void {
    this.range = range;
    const touched = this.cache.replace(series);
    for (const card of this.cards.values()) {
      if (!card.chart) continue;
      if (touched.has(card.key)) this.refresh(card);
      else this.applyScales(card);
    }
  }

  zoom(range: [number, number] | null): void {
    this.range = range;
    for (const card of this.cards.values()) if (card.chart) this.applyScales(card);
    this.host.zoom(range);
  }

  themeChanged(): void {
    for (const card of this.cards.values()) if (card.chart) this.refresh(card);
  }

  /** Live points are drawn once per frame however many messages brought them. */
  private queueRedraw(key: string): void {
    if (this.redrawQueued.size === 0) {
      requestAnimationFrame(() => {
        const keys = [...this.redrawQueued];
        this.redrawQueued.clear();
        for (const k of keys) {
          const card = this.cards.get(k);
          if (card?.chart) this.refresh(card);
        }
        // When the last live points were drawn: the e2e test measures write-to-chart latency with it.
        document.body.dataset.liveDrawnAt = String(Date.now());
      });
    }
    this.redrawQueued.add(key);
  }

  private card(key: string): Card {
    const canvas = h('canvas', { role: 'img', 'aria-label': `Line chart of ${key}` });
    const selection = h('div', { class: 'zoom-selection', hidden: true });
    const plot = h('div', { class: 'plot' }, canvas, selection);
    const table = h('div', { class: 'table-alt', hidden: true });
    const meta = h('span', { class: 'meta' });
    const card: Card = { key, el: h('section', { class: 'card', role: 'listitem', 'data-key': key }), plot, canvas, selection, table, meta, showTable: false };
    const tableButton = linkButton('Table', () => {
      card.showTable = !card.showTable;
      tableButton.textContent = card.showTable ? 'Chart' : 'Table';
      tableButton.setAttribute('aria-pressed', String(card.showTable));
      plot.hidden = card.showTable;
      table.hidden = !card.showTable;
      if (card.showTable) this.renderTable(card);
    }, { 'aria-pressed': 'false', title: 'Show the data as a table' });
    const pngButton = linkButton('PNG', () => this.exportPng(card), { title: 'Save this chart as a PNG image' });
    const sizeButton = linkButton('Maximise', () => {
      const big = card.el.classList.toggle('maximized');
      sizeButton.textContent = big ? 'Restore' : 'Maximise';
      sizeButton.setAttribute('aria-pressed', String(big));
      // The resize observer redraws the chart at its new size; keep the card in view as it grows or shrinks.
      card.el.scrollIntoView({ block: 'nearest' });
    }, { 'aria-pressed': 'false', title: 'Show this chart across the whole width, taller' });
    card.el.append(h('header', {}, h('h4', { title: key }, key), meta, h('span', { class: 'actions' }, sizeButton, tableButton, pngButton)), plot, table);
    attachZoom(plot, selection, () => card.chart, (range) => this.zoom(range));
    return card;
  }

  private cardOf(el: Element): Card | undefined {
    const key = (el.closest('.card') as HTMLElement | null)?.dataset.key;
    return key === undefined ? undefined : this.cards.get(key);
  }

  private onVisible(entries: IntersectionObserverEntry[]): void {
    for (const e of entries) {
      if (!e.isIntersecting) continue;
      const card = this.cardOf(e.target);
      if (!card || card.chart) continue;
      this.observer.unobserve(card.el);
      this.build(card);
    }
  }

  private datasets(key: string): { datasets: ChartConfiguration<'line', Point[]>['data']['datasets']; points: number } {
    const datasets: ChartConfiguration<'line', Point[]>['data']['datasets'] = [];
    const { smoothing } = this.options;
    let points = 0;
    // The faint raw curve behind each smoothed one helps with a few runs; behind dozens it is only noise and
    // doubles the drawing, so past RAW_BEHIND_MAX visible runs only the smoothed curves are drawn.
    const visible = this.runs.filter((r) => !this.hidden.has(r.id) && this.cache.get(key).has(r.id)).length;
    const rawBehind = smoothing > 0 && visible <= RAW_BEHIND_MAX;
    for (const run of this.runs) {
      if (this.hidden.has(run.id)) continue;
      const s = this.cache.get(key).get(run.id);
      if (!s || s.values.length === 0) continue;
      const { raw, smooth } = this.points.get(key, run.id, s, run.startTime, this.options);
      points += raw.length;
      const color = canvasColor(run.color);
      if (smooth) {
        if (rawBehind) datasets.push({ label: run.name, data: raw, borderColor: canvasColor(run.color, 0.22), borderWidth: 1, pointRadius: 0, order: 2 });
        datasets.push({ label: run.name, data: smooth, borderColor: color, borderWidth: 1.6, pointRadius: 0, order: 1 });
      } else {
        datasets.push({ label: run.name, data: raw, borderColor: color, borderWidth: 1.4, pointRadius: 0, order: 1 });
      }
    }
    return { datasets, points };
  }

  /** `size`: the plot's box when the caller has read it already (reading it after another chart was built would force a layout). */
  private build(card: Card, size: DOMRect = card.plot.getBoundingClientRect()): number {
    const { datasets, points } = this.datasets(card.key);
    const config = lineChartConfig(datasets, () => this.options, this.range, () => this.xSpan(card));
    // The plot's size is set before the chart exists, so its first draw is at the final size.
    const { width, height } = size;
    card.canvas.style.width = `${Math.floor(width)}px`;
    card.canvas.style.height = `${Math.floor(height)}px`;
    // The zoom range is in the config, so the constructor's draw is the only one.
    card.chart = new Chart(card.canvas, config);
    card.canvas.dataset.range = this.range ? this.range.join(',') : '';
    this.resizer.observe(card.plot);
    this.describe(card, points, datasets.length);
    return points;
  }

  /** Redraws a built chart in place after a change of data, options, theme or visible runs. */
  private refresh(card: Card): void {
    const chart = card.chart;
    if (!chart) return;
    const { datasets, points } = this.datasets(card.key);
    chart.data.datasets = datasets;
    restyleScales(chart, this.options);
    this.applyScales(card);
    this.describe(card, points, datasets.length);
    if (card.showTable) this.renderTable(card);
  }

  private xSpan(card: Card): number {
    const x = card.chart?.scales.x;
    return x ? x.max - x.min : 0;
  }

  private applyScales(card: Card): void {
    const chart = card.chart;
    if (!chart) return;
    const x = chart.options.scales?.x;
    const y = chart.options.scales?.y;
    if (x) {
      x.min = this.range?.[0];
      x.max = this.range?.[1];
    }
    if (y) y.type = this.options.y === 'log' ? 'logarithmic' : 'linear';
    chart.update('none');
    card.canvas.dataset.range = this.range ? this.range.join(',') : '';
  }

  /** Facts about what is drawn, for screen readers and for tests that check the chart without reading pixels. */
  private describe(card: Card, points: number, datasets: number): void {
    const runs = this.runs.filter((r) => !this.hidden.has(r.id) && (this.cache.get(card.key).get(r.id)?.values.length ?? 0) > 0).length;
    card.meta.textContent = `${runs} run${runs === 1 ? '' : 's'} · ${formatNumber(points)} pts`;
    const d = card.canvas.dataset;
    d.points = String(points);
    d.datasets = String(datasets);
    d.runs = String(runs);
    d.x = this.options.x;
    d.y = this.options.y;
    d.smoothing = String(this.options.smoothing);
    // A fingerprint of the drawn lines: changes whenever smoothing, axes or data change what is drawn.
    let sig = 0;
    for (const ds of card.chart?.data.datasets ?? []) {
      for (let i = 0; i < ds.data.length; i += Math.max(1, Math.floor(ds.data.length / 64))) {
        const p = ds.data[i]!;
        if (Number.isFinite(p.y)) sig = (sig * 31 + Math.round(p.y * 1e6) + Math.round(p.x)) % 1_000_000_007;
      }
    }
    d.signature = String(sig);
    card.canvas.setAttribute('aria-label', `Line chart of ${card.key}: ${runs} runs, ${points} points, x axis ${X_LABELS[this.options.x]}, ${this.options.y} y axis. Use the Table button for the values.`);
  }

  private renderTable(card: Card): void {
    card.table.replaceChildren(metricTable(card.key, this.runs, this.hidden, this.cache.get(card.key), this.options));
  }

  private exportPng(card: Card): void {
    if (!card.chart) return;
    const src = card.canvas;
    const out = document.createElement('canvas');
    out.width = src.width;
    out.height = src.height;
    const g = out.getContext('2d');
    if (!g) return;
    g.fillStyle = themeColors().background;
    g.fillRect(0, 0, out.width, out.height);
    g.drawImage(src, 0, 0);
    this.host.exportPng(card.key, out.toDataURL('image/png'));
  }
}
