// Media by step (issue 16), for the dashboard (one run) and the compare view (runs side by side): a section per
// key with one step slider, images (zoomable, open in the editor), histograms over steps as ridges or a heat map,
// sortable paged tables and plain text. Contents come from the host on request (src/protocol/media.ts); answers
// are cached by step and the neighbouring steps are fetched ahead, so moving the slider rarely waits for the host.
// Every string from a log (keys, captions, cells, text, paths) goes into text nodes only (dom.ts `h`).
import type { CellView, HistogramView, ImageView, MediaFileView, MediaFirstView, MediaItemView, MediaKeyView, MediaKind, MediaOutbound, MediaRequest, TablePageView, TableSort } from '../../src/protocol/media';
import { formatNumber } from '../../src/shared/format';
import { h, linkButton, swatch } from './dom';
import { canvasColor, themeColors } from './theme';

export interface MediaRun {
  id: string;
  name: string;
  color: string;
}

const TABLE_PAGE = 100;
/** Steps of a histogram series asked for: rows of the heat map / ridges. */
const HISTOGRAM_STEPS = 200;
/** Answers kept per key (steps): enough for back-and-forth scrubbing, bounded for 10,000-step keys. */
const CACHE_STEPS = 64;

let nextRequest = 1;

function fileMissing(f: MediaFileView & { state: 'missing' }): HTMLElement {
  return h('div', { class: 'media-missing', role: 'note' }, f.why === 'refused' ? 'Refused (outside the run folder): ' : 'Missing: ', h('code', {}, f.path));
}

function cellText(c: CellView): string | Node {
  if (c === null) return '';
  if (typeof c === 'number') return formatNumber(c);
  if (typeof c === 'boolean') return String(c);
  if (typeof c === 'string') return c;
  return c.image.state === 'ok' ? h('img', { src: c.image.src, alt: c.image.path, class: 'media-cell-img', loading: 'lazy' }) : fileMissing(c.image);
}

/** One key's section: its slider over the union of the runs' steps, and one column per run. */
class KeySection {
  readonly el: HTMLElement;
  private readonly slider: HTMLInputElement;
  private readonly latest: HTMLInputElement;
  private readonly stepLabel: HTMLElement;
  private readonly body: HTMLElement;
  private readonly controls: HTMLElement;
  private steps: number[] = [];
  private pending = 0;
  private readonly cache = new Map<string, MediaItemView[]>();
  private histMode: 'ridge' | 'heat' = 'ridge';
  private histograms: HistogramView[] = [];
  /** Table state per run: page offset and sort. */
  private readonly tables = new Map<string, { offset: number; sort?: TableSort }>();
  private asked = 0;

  constructor(
    readonly key: string,
    readonly kind: MediaKind,
    private keys: MediaKeyView[],
    private readonly runs: () => MediaRun[],
    private readonly post: (m: MediaRequest) => void,
    first?: MediaItemView[],
  ) {
    this.slider = h('input', { type: 'range', min: 0, max: 0, value: 0, step: 1, class: 'media-slider', 'aria-label': `Step of ${key}` });
    this.latest = h('input', { type: 'checkbox', class: 'media-latest', checked: true });
    this.stepLabel = h('span', { class: 'media-step meta' });
    this.body = h('div', { class: 'media-body' });
    const controls = (this.controls =
      kind === 'histogram'
        ? this.histControls()
        : h('div', { class: 'toolbar media-controls' }, h('label', { class: 'control' }, 'Step ', this.slider), this.stepLabel, h('label', { class: 'control' }, this.latest, 'Latest')));
    this.el = h('section', { class: 'media-key card', 'data-key': key, 'data-kind': kind }, h('header', {}, h('h4', {}, key), h('span', { class: 'meta' }, kind)), controls, this.body);
    this.slider.addEventListener('input', () => {
      this.latest.checked = Number(this.slider.value) === this.steps.length - 1;
      this.show();
    });
    this.latest.addEventListener('change', () => {
      if (this.latest.checked) this.slider.value = String(this.steps.length - 1);
      this.show();
    });
    this.setKeys(keys, first);
  }

  private histControls(): HTMLElement {
    const ridge = h('input', { type: 'radio', name: `hist-${nextRequest++}`, checked: true, value: 'ridge' });
    const heat = h('input', { type: 'radio', name: ridge.name, value: 'heat' });
    const pick = () => {
      this.histMode = heat.checked ? 'heat' : 'ridge';
      this.drawHistograms();
    };
    ridge.addEventListener('change', pick);
    heat.addEventListener('change', pick);
    return h('div', { class: 'toolbar media-controls' }, h('label', { class: 'control' }, ridge, 'Ridges'), h('label', { class: 'control' }, heat, 'Heat map'), this.stepLabel);
  }

  /**
   * New keys from the host (first, or a live run logged more): the slider grows and "latest" follows. `first`:
   * the latest items, when the host sent them along, so showing them asks nothing.
   */
  setKeys(keys: MediaKeyView[], first?: MediaItemView[]): void {
    this.keys = keys;
    const all = new Set<number>();
    for (const k of keys) for (const s of k.steps) all.add(s);
    const steps = [...all].sort((a, b) => a - b);
    const grew = steps.length !== this.steps.length || steps[steps.length - 1] !== this.steps[this.steps.length - 1];
    const at = this.steps[Number(this.slider.value)];
    this.steps = steps;
    this.slider.max = String(Math.max(0, steps.length - 1));
    if (this.latest.checked || at === undefined) this.slider.value = String(steps.length - 1);
    else this.slider.value = String(Math.max(0, steps.indexOf(at)));
    // One step needs no slider (a table or text logged once).
    if (this.kind !== 'histogram') this.controls.hidden = steps.length <= 1;
    if (this.kind === 'histogram') {
      if (grew || this.histograms.length === 0) this.post({ type: 'media/histograms', requestId: (this.asked = nextRequest++), runIds: this.runIds(), key: this.key, budget: HISTOGRAM_STEPS });
      return;
    }
    // A live run that logged a step already cached at "latest" changes nothing cached by number.
    if (grew) this.cache.delete('latest');
    if (first !== undefined) this.remember('latest', first);
    this.show();
  }

  private runIds(): string[] {
    const have = new Set(this.keys.map((k) => k.runId));
    return this.runs().filter((r) => have.has(r.id)).map((r) => r.id);
  }

  private wanted(): number | 'latest' {
    return this.latest.checked ? 'latest' : (this.steps[Number(this.slider.value)] ?? 'latest');
  }

  /** Shows the slider's step: from the cache at once, else asks; then fetches the neighbours ahead. */
  show(): void {
    const step = this.wanted();
    const index = Number(this.slider.value);
    this.stepLabel.textContent = this.steps.length === 0 ? '' : `step ${formatNumber(this.steps[index] ?? 0)} (${index + 1} of ${this.steps.length})`;
    const started = performance.now();
    const hit = this.cache.get(String(step));
    if (hit !== undefined) this.render(step, hit, started);
    else {
      this.pending = nextRequest++;
      this.inFlight.set(this.pending, started);
      this.post({ type: 'media/get', requestId: this.pending, runIds: this.runIds(), key: this.key, step });
    }
    for (const d of [1, -1, 2, -2]) {
      const s = this.steps[index + d];
      if (s !== undefined && !this.cache.has(String(s)) && !this.prefetching.has(s)) {
        this.prefetching.add(s);
        this.post({ type: 'media/get', requestId: -nextRequest++, runIds: this.runIds(), key: this.key, step: s });
      }
    }
  }

  private readonly inFlight = new Map<number, number>();
  private readonly prefetching = new Set<number>();

  received(m: MediaOutbound): void {
    switch (m.type) {
      case 'media/items': {
        this.remember(String(m.step), m.items);
        if (typeof m.step === 'number') this.prefetching.delete(m.step);
        // Prefetched images start loading now, so showing them later costs no fetch.
        for (const item of m.items) for (const img of item.images ?? []) if (img.file.state === 'ok') new Image().src = img.file.src;
        const started = this.inFlight.get(m.requestId);
        this.inFlight.delete(m.requestId);
        if (m.requestId === this.pending && started !== undefined) this.render(m.step, m.items, started);
        return;
      }
      case 'media/histograms':
        if (m.requestId !== this.asked) return;
        this.histograms = m.histograms;
        this.drawHistograms();
        return;
      case 'media/tablePage': {
        const slot = this.body.querySelector<HTMLElement>(`[data-table-run="${CSS.escape(m.runId)}"]`);
        if (slot && m.page) slot.replaceWith(this.table(m.runId, m.page, m.sort));
        return;
      }
      case 'media/keys':
        return;
    }
  }

  private remember(step: string, items: MediaItemView[]): void {
    this.cache.set(step, items);
    while (this.cache.size > CACHE_STEPS) this.cache.delete(this.cache.keys().next().value as string);
  }

  private render(step: number | 'latest', items: MediaItemView[], started: number): void {
    const byRun = new Map(items.map((i) => [i.runId, i]));
    const runs = this.runs().filter((r) => byRun.has(r.id));
    const many = runs.length > 1;
    this.body.replaceChildren(
      h(
        'div',
        { class: many ? 'media-runs side-by-side' : 'media-runs' },
        ...runs.map((r) => {
          const item = byRun.get(r.id)!;
          return h('div', { class: 'media-run', 'data-run': r.id }, many ? h('div', { class: 'runhead' }, swatch(r.color), r.name) : null, this.item(r.id, item));
        }),
      ),
    );
    const ms = performance.now() - started;
    this.el.dataset.shownStep = String(step);
    this.el.dataset.ms = ms.toFixed(1);
  }

  private item(runId: string, item: MediaItemView): HTMLElement {
    if (item.step === undefined) return h('p', { class: 'empty' }, 'Nothing logged at or before this step.');
    const parts: Array<HTMLElement | null> = [h('div', { class: 'meta' }, `step ${formatNumber(item.step)}`), item.warning ? h('div', { class: 'media-warning' }, item.warning) : null];
    if (item.images) parts.push(h('div', { class: 'media-images' }, ...item.images.map((img) => this.image(runId, img))));
    if (item.table) parts.push(this.table(runId, item.table));
    if (item.text) {
      parts.push(item.text.file.state === 'ok' ? h('pre', { class: 'media-text' }, item.text.text) : fileMissing(item.text.file));
      if (item.text.cut) parts.push(h('p', { class: 'meta' }, 'Cut short: open the file to read it all. '));
      if (item.text.file.state === 'ok') parts.push(this.openButton(runId, item.text.file.path));
    }
    return h('div', { class: 'media-item' }, ...parts);
  }

  private openButton(runId: string, path: string): HTMLElement {
    return linkButton('Open in editor', () => this.post({ type: 'media/open', runId, path }), { title: `Open ${path}`, class: 'link media-open' });
  }

  private image(runId: string, img: ImageView): HTMLElement {
    if (img.file.state !== 'ok') return h('figure', { class: 'media-image' }, fileMissing(img.file), img.caption ? h('figcaption', {}, img.caption) : null);
    const el = h('img', { src: img.file.src, alt: img.caption ?? img.file.path, class: 'media-img', title: 'Click to zoom' });
    if (img.width) el.style.setProperty('--w', `${img.width}px`);
    // Zoom: fit (at most 256 px) → the image at 4× its pixels (pixelated, scrollable) → fit again.
    el.addEventListener('click', () => el.classList.toggle('zoomed'));
    return h(
      'figure',
      { class: 'media-image' },
      h('div', { class: 'media-frame' }, el),
      img.caption ? h('figcaption', {}, img.caption) : null,
      img.warning ? h('div', { class: 'media-warning' }, img.warning) : null,
      h('div', { class: 'meta' }, img.width && img.height ? `${img.width}×${img.height} ` : '', this.openButton(runId, img.file.path)),
    );
  }

  private table(runId: string, page: TablePageView, sort?: TableSort): HTMLElement {
    const state = this.tables.get(runId) ?? { offset: 0 };
    state.offset = page.offset;
    if (sort !== undefined) state.sort = sort;
    this.tables.set(runId, state);
    const ask = (offset: number, s?: TableSort) =>
      this.post({ type: 'media/table', requestId: nextRequest++, runId, key: this.key, step: this.wanted(), offset, limit: TABLE_PAGE, ...(s ? { sort: s } : {}) });
    if (page.file.state !== 'ok') return h('div', { 'data-table-run': runId }, fileMissing(page.file));
    const head = page.columns.map((c, i) => {
      const on = state.sort?.column === i;
      const b = h('button', { type: 'button', class: 'link media-sort', 'aria-sort': on ? (state.sort!.descending ? 'descending' : 'ascending') : 'none' }, c, on ? (state.sort!.descending ? ' ▼' : ' ▲') : '');
      b.addEventListener('click', () => ask(0, { column: i, descending: on ? !state.sort!.descending : false }));
      return h('th', { scope: 'col' }, b);
    });
    const last = Math.min(page.total, page.offset + page.rows.length);
    const prev = page.offset > 0 ? linkButton('◀ Previous', () => ask(Math.max(0, page.offset - TABLE_PAGE), state.sort)) : null;
    const next = last < page.total ? linkButton('Next ▶', () => ask(page.offset + TABLE_PAGE, state.sort)) : null;
    return h(
      'div',
      { 'data-table-run': runId, class: 'media-table' },
      page.problem ? h('div', { class: 'media-warning' }, page.problem) : null,
      h(
        'div',
        { class: 'scroll' },
        h(
          'table',
          {},
          h('thead', {}, h('tr', {}, ...head)),
          h('tbody', {}, ...page.rows.map((r) => h('tr', {}, ...page.columns.map((_, i) => h('td', { class: typeof r[i] === 'number' ? 'num' : '' }, cellText(r[i] ?? null)))))),
        ),
      ),
      h('div', { class: 'row meta' }, `Rows ${page.total === 0 ? 0 : page.offset + 1}–${last} of ${formatNumber(page.total)}${page.truncated ? ' (the logger kept only these)' : ''}`, prev, next, this.openButton(runId, page.file.path)),
    );
  }

  themeChanged(): void {
    if (this.kind === 'histogram') this.drawHistograms();
  }

  private drawHistograms(): void {
    const runs = this.runs();
    const many = this.histograms.length > 1;
    this.stepLabel.textContent = this.histograms[0] ? `${this.histograms[0].steps.length} of ${this.histograms[0].total} steps` : '';
    this.body.replaceChildren(
      h(
        'div',
        { class: many ? 'media-runs side-by-side' : 'media-runs' },
        ...this.histograms.map((hist) => {
          const run = runs.find((r) => r.id === hist.runId);
          const canvas = h('canvas', { class: 'media-hist', width: 480, height: 260, role: 'img', 'aria-label': `${this.key}: ${hist.steps.length} steps` });
          requestAnimationFrame(() => drawHistogram(canvas, hist, this.histMode, run?.color ?? 'hsl(210 70% 55%)'));
          return h('div', { class: 'media-run', 'data-run': hist.runId }, many && run ? h('div', { class: 'runhead' }, swatch(run.color), run.name) : null, canvas);
        }),
      ),
    );
    this.el.dataset.shownStep = 'histograms';
  }
}

/**
 * TensorBoard's distributions, two ways. Ridges: one curve per step, later steps lower and in front, x the value.
 * Heat map: x the value, y the step (top first), each cell's shade its share of that step's largest bin.
 */
function drawHistogram(canvas: HTMLCanvasElement, hist: HistogramView, mode: 'ridge' | 'heat', color: string): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const dpr = window.devicePixelRatio || 1;
  const cssW = canvas.clientWidth || 480;
  const cssH = canvas.clientHeight || 260;
  canvas.width = Math.round(cssW * dpr);
  canvas.height = Math.round(cssH * dpr);
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  const theme = themeColors();
  ctx.clearRect(0, 0, cssW, cssH);
  const left = 48;
  const bottom = 22;
  const top = 8;
  const plotW = cssW - left - 8;
  const plotH = cssH - top - bottom;
  const n = hist.steps.length;
  const bins = hist.edges.length - 1;
  if (n === 0 || bins <= 0) return;
  const lo = hist.edges[0];
  const hi = hist.edges[bins];
  const xOf = (v: number) => left + ((v - lo) / (hi - lo)) * plotW;
  ctx.font = '10px sans-serif';
  ctx.fillStyle = theme.muted;
  ctx.textAlign = 'center';
  for (let t = 0; t <= 4; t++) ctx.fillText(formatNumber(lo + ((hi - lo) * t) / 4), xOf(lo + ((hi - lo) * t) / 4), cssH - 6);
  ctx.textAlign = 'right';
  if (mode === 'heat') {
    const rowH = plotH / n;
    for (let i = 0; i < n; i++) {
      const row = hist.counts[i];
      const max = Math.max(...row) || 1;
      for (let b = 0; b < bins; b++) {
        if (row[b] <= 0) continue;
        ctx.fillStyle = canvasColor(color, Math.min(1, 0.08 + (0.92 * row[b]) / max));
        // Whole pixels, so neighbouring bins leave no hairline gap between them.
        const x0 = Math.floor(xOf(hist.edges[b]));
        const y0 = Math.floor(top + i * rowH);
        ctx.fillRect(x0, y0, Math.max(1, Math.ceil(xOf(hist.edges[b + 1])) - x0), Math.max(1, Math.ceil(top + (i + 1) * rowH) - y0));
      }
    }
    ctx.fillStyle = theme.muted;
    ctx.fillText(`step ${formatNumber(hist.steps[0])}`, left - 4, top + 9);
    ctx.fillText(formatNumber(hist.steps[n - 1]), left - 4, top + plotH);
    return;
  }
  // Ridges: each curve may rise over a few of the rows above it, as in TensorBoard's offset view.
  let max = 0;
  for (const row of hist.counts) for (const c of row) max = Math.max(max, c);
  max ||= 1;
  const gap = n > 1 ? (plotH * 0.7) / (n - 1) : 0;
  const amp = plotH * 0.3;
  const rows = n > 60 ? Math.ceil(n / 60) : 1;
  for (let i = 0; i < n; i += rows) {
    const base = top + amp + i * gap;
    const row = hist.counts[i];
    ctx.beginPath();
    ctx.moveTo(xOf(lo), base);
    for (let b = 0; b < bins; b++) ctx.lineTo(xOf((hist.edges[b] + hist.edges[b + 1]) / 2), base - (row[b] / max) * amp);
    ctx.lineTo(xOf(hi), base);
    ctx.closePath();
    const shade = 0.25 + (0.75 * i) / Math.max(1, n - 1);
    ctx.fillStyle = canvasColor(color, 0.15 + 0.35 * shade);
    ctx.strokeStyle = canvasColor(color, shade);
    ctx.fill();
    ctx.stroke();
  }
  ctx.fillStyle = theme.muted;
  ctx.fillText(`step ${formatNumber(hist.steps[0])}`, left - 4, top + amp);
  ctx.fillText(formatNumber(hist.steps[n - 1]), left - 4, top + amp + (n - 1) * gap);
}

/** The media sections of a panel: one per key (all runs' entries of it together). */
export class MediaView {
  readonly el = h('div', { class: 'media' });
  private readonly sections = new Map<string, KeySection>();
  private runs: MediaRun[] = [];

  constructor(private readonly post: (m: MediaRequest) => void) {}

  /** All keys (from a full state): sections for new keys, gone keys dropped, the rest updated; `first` as KeySection.setKeys. */
  setKeys(keys: MediaKeyView[], runs: MediaRun[], first: readonly MediaFirstView[] = []): void {
    this.runs = runs;
    const firstOf = new Map(first.map((f) => [f.key, f.items]));
    const byKey = new Map<string, MediaKeyView[]>();
    for (const k of keys) {
      const list = byKey.get(k.key) ?? [];
      list.push(k);
      byKey.set(k.key, list);
    }
    for (const [key, s] of this.sections) {
      const next = byKey.get(key);
      if (next === undefined || next[0].kind !== s.kind) {
        s.el.remove();
        this.sections.delete(key);
      }
    }
    const ordered = [...byKey.keys()].sort();
    for (const key of ordered) {
      const list = byKey.get(key)!;
      const had = this.sections.get(key);
      if (had) had.setKeys(list, firstOf.get(key));
      else this.sections.set(key, new KeySection(key, list[0].kind, list, () => this.runs, this.post, firstOf.get(key)));
    }
    this.el.replaceChildren(...(ordered.length ? ordered.map((k) => this.sections.get(k)!.el) : [h('p', { class: 'empty' }, 'No media.')]));
  }

  /**
   * Forgets every section, with its cached steps and the requests it is waiting for (the panel shows another
   * run now): answers about the old run find no section asking, and the next `setKeys` starts afresh.
   */
  reset(): void {
    this.sections.clear();
    this.runs = [];
    this.el.replaceChildren();
  }

  received(m: MediaOutbound): void {
    if (m.type === 'media/keys') {
      this.setKeys(m.keys, this.runs);
      return;
    }
    this.sections.get(m.key)?.received(m);
  }

  /** Canvases take concrete colours: redraw the histograms in the new theme's. */
  themeChanged(): void {
    for (const s of this.sections.values()) s.themeChanged();
  }
}
