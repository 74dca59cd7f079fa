// Compare runs: params diff, metric summary with best marked and deltas against a baseline, overlaid charts,
// parallel coordinates and scatter. Built for hundreds of runs: the host downsamples, the webview only draws.
import * as vscode from 'vscode';
import { Commands } from '../core/commands';
import type { FeatureContext } from '../core/services';
import { capRunIds, MAX_RUNS } from '../contract/guards';
import type { CompareData, CompareState, RunView, SeriesData, WebviewMessage, XMode } from '../contract/messages';
import type { RunDetail, RunStore } from '../store/types';
import { assignSlots, slotColor } from '../charts/colors';
import { LiveCursor } from '../charts/liveCursor';
import { paramRows } from '../charts/params';
import { comparisonCsv, comparisonMarkdown, type Comparison } from '../charts/report';
import { defaultBaseline, metricRows, orderKeys } from '../charts/summary';
import { Coalescer } from '../webviews/coalesce';
import { savePng, saveText, stamp } from '../webviews/exports';
import { panelHtml, panelOptions } from '../webviews/html';
import { PanelHost } from '../webviews/panelHost';
import { pickRuns } from '../webviews/pickRuns';
import { pointsPerSeries } from '../charts/pointBudget';
import { runView, seriesData } from '../webviews/runView';
import { maxPoints } from '../webviews/settings';

export const COMPARE_VIEW = 'trackside.compare';

export class ComparePanel extends PanelHost {
  private readonly cursor = new LiveCursor();
  private readonly live: Coalescer;
  private slots = new Map<string, number>();
  private keys: string[] = [];
  private points = 2000;
  /** CSS pixels of one chart's plot, as the webview last reported it: sets the point budget. */
  private plotWidth: number | undefined;
  /** Runs changed since the last live update: only these are queried. */
  private readonly pendingLive = new Set<string>();
  private lastHostMs = 0;
  private metricsSentAt = 0;
  private metricsTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    panel: vscode.WebviewPanel,
    ctx: FeatureContext,
    private state: CompareState,
  ) {
    super(panel, ctx);
    this.live = new Coalescer(() => this.sendLive(), (err) => this.ctx.output.error(`Compare live update failed: ${String(err)}`));
    this.register(
      ctx.store.onDidChange((change) => {
        const mine = new Set(this.state.runIds);
        const changed = change.changedRuns.filter((id) => mine.has(id));
        for (const id of changed) this.pendingLive.add(id);
        if (changed.length > 0 || change.removedRuns.some((id) => mine.has(id))) this.live.trigger();
      }),
    );
    this.register({ dispose: () => clearTimeout(this.metricsTimer) });
    panel.webview.options = panelOptions(ctx.extension.extensionUri);
    panel.webview.html = panelHtml(panel.webview, ctx.extension.extensionUri, 'compare', panel.title);
  }

  get runIds(): readonly string[] {
    return this.state.runIds;
  }

  protected async handle(message: WebviewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.plotWidth = message.plotWidth ?? this.plotWidth;
        return this.sendFull();
      case 'state':
        if (message.state.kind !== 'compare') return;
        return this.updateState(message.state);
      case 'zoom':
        if (message.plotWidth !== undefined && message.plotWidth !== this.plotWidth) {
          this.plotWidth = message.plotWidth;
          this.points = pointsPerSeries({ plotWidth: this.plotWidth, runs: this.state.runIds.length, charts: this.keys.length, max: maxPoints() });
        }
        return this.sendRange(message.requestId, message.x, message.range);
      case 'openRun':
        await vscode.commands.executeCommand(Commands.openRun, message.runId);
        return;
      case 'addRuns': {
        const added = await pickRuns(this.ctx, { title: 'Add Runs to the Comparison', many: true, exclude: this.state.runIds });
        if (added.length === 0) return;
        // Capped like the compare command, so the panel's saved state still restores after a reload.
        const capped = capRunIds([...this.state.runIds, ...added]);
        if (capped.leftOut > 0) {
          void vscode.window.showWarningMessage(`A comparison holds at most ${MAX_RUNS} runs; ${capped.leftOut} were left out.`);
        }
        this.state = { ...this.state, runIds: capped.ids };
        return this.sendFull();
      }
      case 'removeRun':
        if (this.state.runIds.length <= 1 || !this.state.runIds.includes(message.runId)) return;
        this.state = {
          ...this.state,
          runIds: this.state.runIds.filter((id) => id !== message.runId),
          hidden: this.state.hidden.filter((id) => id !== message.runId),
          baseline: this.state.baseline === message.runId ? undefined : this.state.baseline,
        };
        return this.sendFull();
      case 'exportPng':
        await savePng(message.name, message.dataUrl);
        return;
      case 'exportCsv': {
        const c = await this.comparison();
        await saveText(`trackside-compare-${stamp()}.csv`, { CSV: ['csv'] }, comparisonCsv(c), false);
        return;
      }
      case 'exportMarkdown': {
        const c = await this.comparison();
        await saveText(`trackside-compare-${stamp()}.md`, { Markdown: ['md'] }, comparisonMarkdown(c, Date.now()), true);
        return;
      }
      case 'painted':
        this.ctx.output.info(
          `Compare of ${this.state.runIds.length} runs: host answer ${this.lastHostMs.toFixed(0)} ms, webview paint ${message.ms.toFixed(0)} ms ` +
            `(${message.charts} charts, ${message.points} points), ${(performance.now() - this.createdAt).toFixed(0)} ms after the panel opened.`,
        );
        return;
    }
  }

  /** The webview changed options; only a new baseline needs an answer (new deltas). Run lists change via messages. */
  private async updateState(next: CompareState): Promise<void> {
    const sameRuns = next.runIds.length === this.state.runIds.length && next.runIds.every((id, i) => id === this.state.runIds[i]);
    if (!sameRuns) return;
    const baselineChanged = next.baseline !== this.state.baseline;
    this.state = next;
    if (!baselineChanged) return;
    const { runs } = await this.load();
    const baseline = this.baselineOf(runs);
    await this.post({ type: 'compare/metrics', baseline, metrics: metricRows(runs, baseline) });
  }

  private async load(): Promise<{ store: RunStore; runs: RunDetail[]; missing: string[] }> {
    const store = await this.ctx.store.ready();
    const runs: RunDetail[] = [];
    const missing: string[] = [];
    for (const id of this.state.runIds) {
      const run = store.getRun(id);
      if (run) runs.push(run);
      else missing.push(id);
    }
    this.slots = assignSlots(this.slots, this.state.runIds);
    return { store, runs, missing };
  }

  private baselineOf(runs: RunDetail[]): string | undefined {
    return this.state.baseline && runs.some((r) => r.id === this.state.baseline) ? this.state.baseline : defaultBaseline(runs);
  }

  private views(runs: RunDetail[]): RunView[] {
    return runs.map((r) => runView(r, slotColor(this.slots.get(r.id) ?? 0)));
  }

  private async comparison(): Promise<Comparison> {
    const { runs } = await this.load();
    const baseline = this.baselineOf(runs);
    return { runs: this.views(runs), params: paramRows(runs), metrics: metricRows(runs, baseline), baseline };
  }

  private async sendFull(): Promise<void> {
    const started = performance.now();
    const { store, runs, missing } = await this.load();
    const ids = runs.map((r) => r.id);
    this.panel.title = `Compare ${this.state.runIds.length} Runs`;
    this.keys = orderKeys(store.metricKeys(ids));
    this.points = pointsPerSeries({ plotWidth: this.plotWidth, runs: ids.length, charts: this.keys.length, max: maxPoints() });
    const series = ids.length ? (await store.series({ runIds: ids, keys: this.keys, points: this.points, x: 'step' })).map(seriesData) : [];
    this.cursor.reset(series);
    const baseline = this.baselineOf(runs);
    const data: CompareData = {
      type: 'compare/state',
      state: this.state,
      runs: this.views(runs),
      missing,
      params: paramRows(runs),
      metrics: metricRows(runs, baseline),
      keys: this.keys,
      series,
      hostMs: performance.now() - started,
    };
    this.lastHostMs = data.hostMs;
    if (baseline !== undefined) data.baseline = baseline;
    await this.post(data);
  }

  private async sendLive(): Promise<void> {
    if (!this.ready) return;
    const { store, runs, missing } = await this.load();
    const keys = orderKeys(store.metricKeys(runs.map((r) => r.id)));
    const grew = this.cursor.appended > this.points * 2;
    if (missing.length > 0 || grew || keys.join('\n') !== this.keys.join('\n')) return this.sendFull();
    const changed = runs.filter((r) => this.pendingLive.has(r.id));
    this.pendingLive.clear();
    const series: SeriesData[] = [];
    for (const r of changed) {
      const asked = this.cursor.requests(r.id, keys).map((q) => store.series({ runIds: [r.id], keys: q.keys, points: this.points, x: 'step', afterStep: q.afterStep }));
      series.push(...this.cursor.advance((await Promise.all(asked)).flat().map(seriesData)));
    }
    await this.post({ type: 'series/append', series, runs: this.views(runs) });
    // Summaries (last/best) move with the new points; the tables redraw at most every two seconds, since with
    // many live runs rebuilding them on every flush would cost more than the charts.
    const wait = 2000 - (performance.now() - this.metricsSentAt);
    if (wait > 0) {
      // A trailing update, so the last flush of a run is never left out of the tables.
      this.metricsTimer ??= setTimeout(() => {
        this.metricsTimer = undefined;
        this.live.trigger();
      }, wait);
      return;
    }
    this.metricsSentAt = performance.now();
    const baseline = this.baselineOf(runs);
    await this.post({ type: 'compare/metrics', baseline, metrics: metricRows(runs, baseline) });
  }

  private async sendRange(requestId: number, x: XMode, range: [number, number] | null): Promise<void> {
    const { store, runs } = await this.load();
    const ids = runs.map((r) => r.id);
    const axis = x === 'step' ? 'step' : 'time';
    const series =
      x === 'relative' && range
        ? (await Promise.all(runs.map((r) => store.series({ runIds: [r.id], keys: this.keys, points: this.points, x: axis, range: [range[0] + r.startTime, range[1] + r.startTime] })))).flat()
        : await store.series({ runIds: ids, keys: this.keys, points: this.points, x: axis, range: range ?? undefined });
    await this.post({ type: 'series/range', requestId, range, series: series.map(seriesData) });
  }
}
