// What every chart panel does with its runs, written once: the webview's HTML and resource roots, the point
// budget (plot width, runs, charts), zoom answers, live appends of only the new points, opening a run,
// exporting a chart as PNG and the paint log. A panel adds its full state and its own messages.
import * as vscode from 'vscode';
import { Commands } from '../core/commands';
import type { FeatureContext } from '../core/services';
import { epochNow, type ChartInbound, type PanelStateBase, type RunView, type SentTiming, type SeriesData, type StateMessage, type XMode } from '../protocol/common';
import type { Parsed } from '../protocol/guards';
import { assignSlots, slotColor } from '../shared/colors';
import { pointsPerSeries } from '../shared/pointBudget';
import { orderKeys } from '../shared/summary';
import type { RunDetail, RunStore } from '../store/types';
import { Coalescer } from './coalesce';
import { savePng } from './exports';
import { panelHtml, panelOptions } from './html';
import { LiveCursor } from './liveCursor';
import { PanelHost } from './panelHost';
import { packSeries, runView, seriesData } from './runView';
import { maxPoints } from './settings';

/** The runs a panel shows, as the store has them now, and the ids it no longer finds. */
export interface Loaded {
  store: RunStore;
  runs: RunDetail[];
  missing: string[];
}

/** The plot width each kind of panel last reported: a first state goes out before its page can measure, budgeted by this. */
const lastPlotWidth = new Map<string, number>();

export abstract class ChartPanel<S extends PanelStateBase, Own extends { type: string }, Out extends { type: string }> extends PanelHost<
  ChartInbound | StateMessage<S> | Own,
  Out
> {
  private readonly cursor = new LiveCursor();
  private readonly live: Coalescer;
  /** Runs changed since the last live update: only these are queried. */
  private readonly changed = new Set<string>();
  private slots = new Map<string, number>();
  /** CSS pixels of one chart's plot, as the webview last reported it: sets the point budget. */
  private plotWidth: number | undefined;
  private roots: readonly string[] = [];
  /** The metric keys shown, in chart order. */
  protected keys: string[] = [];
  protected points = 2000;
  /** Host clock of the last `ready`, and the host's time for the last full state: the paint log splits the wait by these. */
  protected readyAt = 0;
  protected lastHostMs = 0;
  /** The full state posted while the page loads (`sendEarly`), until the page's `ready` has seen it. */
  private early: Promise<void> | undefined;
  /** False once the page that the early state went to was replaced (new roots, or hidden): `ready` then resends. */
  private earlyHeld = false;

  constructor(
    panel: vscode.WebviewPanel,
    ctx: FeatureContext,
    parse: (raw: unknown) => Parsed<ChartInbound | StateMessage<S> | Own>,
    protected state: S,
    /** Folders the webview may load files from besides the bundles (a run folder), known before the HTML is set. */
    roots: readonly string[] = [],
  ) {
    super(panel, ctx, parse);
    this.live = new Coalescer(() => this.sendLive(), (err) => this.ctx.output.error(`${this.label} live update failed: ${String(err)}`));
    this.register(
      ctx.store.onDidChange((change) => {
        const mine = new Set(this.runIds);
        const changed = change.changedRuns.filter((id) => mine.has(id));
        for (const id of changed) this.changed.add(id);
        if (changed.length > 0 || change.removedRuns.some((id) => mine.has(id))) this.live.trigger();
      }),
    );
    // A hidden page is torn down, and what went to it with it.
    this.register(
      panel.onDidChangeViewState((e) => {
        if (!e.webviewPanel.visible) this.earlyHeld = false;
      }),
    );
    // Changing localResourceRoots after the HTML is set reloads the page, so the first roots come in here.
    this.allowFolders(roots, true);
    panel.webview.html = panelHtml(panel.webview, ctx.extension.extensionUri, state.kind, panel.title);
  }

  /** The runs this panel shows, in its order. */
  abstract get runIds(): readonly string[];
  /** Which thing this panel shows: its registry opens one panel per key. */
  abstract get key(): string;
  /** Names the panel in the log. */
  protected abstract readonly label: string;
  /** Sends everything the webview draws (on `ready`, and when a live change is more than new points). */
  protected abstract sendFull(): Promise<void>;
  /** The webview persisted a new state. */
  protected abstract stateChanged(next: S): Promise<void>;
  /** The panel's own requests: a switch ending in `unhandled(message)`, so a new kind must be handled. */
  protected abstract handleOwn(message: Own): Promise<void>;
  /** The paint log line for the benchmark and for users who wonder why a panel is slow. */
  protected abstract paintedLine(painted: Extract<ChartInbound, { type: 'painted' }>): string;

  /** After live points went out: a panel refreshes what it derives from them. */
  protected async appended(_loaded: Loaded): Promise<void> {}

  protected async handle(message: ChartInbound | StateMessage<S> | Own): Promise<void> {
    const m = message as ChartInbound | StateMessage<S>;
    switch (m.type) {
      case 'ready': {
        this.readyAt = performance.now();
        if (m.plotWidth !== undefined) lastPlotWidth.set(this.panel.viewType, m.plotWidth);
        const early = this.early;
        this.early = undefined;
        if (early) {
          await early;
          if (this.earlyHeld) return this.widthKnown(m.plotWidth);
        }
        this.plotWidth = m.plotWidth ?? this.plotWidth;
        return this.sendFull();
      }
      case 'state':
        return this.stateChanged(m.state);
      case 'zoom':
        if (m.plotWidth !== undefined && m.plotWidth !== this.plotWidth) {
          this.plotWidth = m.plotWidth;
          this.points = this.budget(this.runIds.length);
        }
        return this.sendRange(m.requestId, m.x, m.range);
      case 'openRun':
        await vscode.commands.executeCommand(Commands.openRun, m.runId);
        return;
      case 'exportPng':
        await savePng(m.name, m.dataUrl);
        return;
      case 'painted':
        this.ctx.output.info(this.paintedLine(m));
        return;
      default: {
        // Every chart message has a case above (else `m` is not never here and the build stops): the rest are the panel's own.
        const own: never = m;
        return this.handleOwn(own);
      }
    }
  }

  /**
   * Posts the full state now, while the page loads, instead of on its `ready`: the host's queries overlap the page
   * load, and the page draws as soon as it has run. Call last in a panel's constructor (its own fields set).
   */
  protected sendEarly(): void {
    this.plotWidth ??= lastPlotWidth.get(this.panel.viewType);
    this.earlyHeld = true;
    this.early = this.beforeReady(() => this.sendFull()).catch((err: unknown) => {
      this.earlyHeld = false;
      this.ctx.output.warn(`${this.label}: the state sent while the page loaded failed (${String(err)}); sending it on ready.`);
    });
  }

  /**
   * The page measured its charts after an early state was budgeted by a guess: charts much wider than that get
   * denser points as the answer to a zoom out (id 0: the page has asked nothing yet, and drops it if it has).
   */
  private async widthKnown(width: number | undefined): Promise<void> {
    this.earlyHeld = false;
    if (width === undefined || width <= (this.plotWidth ?? 0) * 1.25) return;
    this.plotWidth = width;
    this.points = this.budget(this.runIds.length);
    await this.sendRange(0, this.state.options.x, null);
  }

  /** The timing a full state carries; call last, just before posting, with the host clock when building it began. */
  protected timing(started: number): SentTiming {
    this.lastHostMs = performance.now() - started;
    return { hostMs: this.lastHostMs, sentAt: epochNow() };
  }

  /** Where the wait for a first paint went, measured from `since` (host clock): for the paint log. */
  protected timeline(m: Extract<ChartInbound, { type: 'painted' }>, since: number): string {
    const ready = this.readyAt - since;
    const transit = m.transitMs === undefined ? '' : `, in transit ${m.transitMs.toFixed(0)} ms`;
    return (
      `${(performance.now() - since).toFixed(0)} ms (webview ready ${Math.abs(ready).toFixed(0)} ms ${ready < 0 ? 'before' : 'after'} that, ` +
      `host answer ${this.lastHostMs.toFixed(0)} ms${transit}, webview paint ${m.ms.toFixed(0)} ms; ${m.charts} charts, ${m.points} points)`
    );
  }

  /** The folders besides the bundles the webview may load files from now. */
  protected get folders(): readonly string[] {
    return this.roots;
  }

  /** Lets the webview load files from these folders too (and no others besides the bundles). */
  protected allowFolders(dirs: readonly string[], initial = false): void {
    if (!initial && dirs.length === this.roots.length && dirs.every((d, i) => d === this.roots[i])) return;
    // The page reloads: an early state may be lost with the page it went to.
    if (!initial) this.earlyHeld = false;
    this.roots = [...dirs];
    this.panel.webview.options = panelOptions(
      this.ctx.extension.extensionUri,
      dirs.map((d) => vscode.Uri.file(d)),
    );
  }

  /** The panel's runs from the store; colour slots follow them, so a run keeps its colour while others come and go. */
  protected async load(): Promise<Loaded> {
    const store = await this.ctx.store.ready();
    const runs: RunDetail[] = [];
    const missing: string[] = [];
    for (const id of this.runIds) {
      const run = store.getRun(id);
      if (run) runs.push(run);
      else missing.push(id);
    }
    this.slots = assignSlots(this.slots, this.runIds);
    return { store, runs, missing };
  }

  protected views(runs: readonly RunDetail[]): RunView[] {
    return runs.map((r) => runView(r, slotColor(this.slots.get(r.id) ?? 0)));
  }

  /** Every series of these runs, downsampled to the budget; live appends continue from here. */
  protected async fullSeries(store: RunStore, ids: readonly string[]): Promise<SeriesData[]> {
    this.keys = orderKeys(store.metricKeys([...ids]));
    this.points = this.budget(ids.length);
    const series = ids.length ? (await store.series({ runIds: [...ids], keys: this.keys, points: this.points, x: 'step' })).map(seriesData) : [];
    this.cursor.reset(series);
    return series;
  }

  /**
   * A full state's series in two: the charts drawn for the first frame, and the system charts' (`system/…`), which
   * the webview builds only when scrolled near. The state carries the first; `sendRest` posts the others after it,
   * so the first paint waits for fewer bytes on the way to the webview.
   */
  protected splitFirst(series: SeriesData[]): { first: SeriesData[]; rest: SeriesData[] } {
    const first: SeriesData[] = [];
    const rest: SeriesData[] = [];
    for (const s of series) (s.key.startsWith('system/') ? rest : first).push(s);
    return { first, rest };
  }

  /** The series a full state left out, as an append of series the webview does not hold yet. */
  protected async sendRest(rest: SeriesData[], runs: RunView[]): Promise<void> {
    if (rest.length > 0) await this.post({ type: 'series/append', series: packSeries(rest), runs });
  }

  /** Points per series for `runs` overlaid lines, from the last plot width the webview reported. */
  private budget(runs: number): number {
    return pointsPerSeries({ plotWidth: this.plotWidth, runs, charts: this.keys.length, max: maxPoints() });
  }

  /**
   * The panel now shows other runs in its loaded page (a preview panel reused): what was kept about the old ones
   * goes, so the new ones get the first colours and no live pass queries the old.
   */
  protected forgetRuns(): void {
    this.slots = new Map();
    this.changed.clear();
  }

  /** Starts a live update now (coalesced with any in flight). */
  protected refreshLive(): void {
    this.live.trigger();
  }

  private async sendLive(): Promise<void> {
    if (!this.ready) return;
    const loaded = await this.load();
    const { store, runs, missing } = loaded;
    const keys = orderKeys(store.metricKeys(runs.map((r) => r.id)));
    // A run gone, new keys or too many raw appended points: resend downsampled, so a chart never holds more than it can draw.
    const grew = this.cursor.appended > this.points * 2;
    if (missing.length > 0 || grew || keys.join('\n') !== this.keys.join('\n')) return this.sendFull();
    const changed = runs.filter((r) => this.changed.has(r.id));
    this.changed.clear();
    const series: SeriesData[] = [];
    for (const r of changed) {
      const asked = this.cursor.requests(r.id, keys).map((q) => store.series({ runIds: [r.id], keys: q.keys, points: this.points, x: 'step', afterStep: q.afterStep }));
      series.push(...this.cursor.advance((await Promise.all(asked)).flat().map(seriesData)));
    }
    await this.post({ type: 'series/append', series: packSeries(series), runs: this.views(runs) });
    await this.appended(loaded);
  }

  private async sendRange(requestId: number, x: XMode, range: [number, number] | null): Promise<void> {
    const { store, runs } = await this.load();
    if (runs.length === 0) return;
    const axis = x === 'step' ? 'step' : 'time';
    // Relative time is per run: each run's range starts at its own start time.
    const series =
      x === 'relative' && range
        ? (await Promise.all(runs.map((r) => store.series({ runIds: [r.id], keys: this.keys, points: this.points, x: axis, range: [range[0] + r.startTime, range[1] + r.startTime] })))).flat()
        : await store.series({ runIds: runs.map((r) => r.id), keys: this.keys, points: this.points, x: axis, range: range ?? undefined });
    await this.post({ type: 'series/range', requestId, range, series: packSeries(series.map(seriesData)) });
  }
}
