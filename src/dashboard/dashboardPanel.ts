// One run's dashboard: header, metric charts grouped by prefix, params, artifacts, notes; live while the run
// writes. The panel's only persistent state is the run id and chart options, so a reload rebuilds it from the store.
import * as vscode from 'vscode';
import { Commands } from '../core/commands';
import type { FeatureContext } from '../core/services';
import { resolveInside } from '../core/paths';
import type { ArtifactView, DashboardData, DashboardState, SeriesData, WebviewMessage, XMode } from '../contract/messages';
import type { RunDetail, RunStore } from '../store/types';
import { LiveCursor } from '../charts/liveCursor';
import { orderKeys } from '../charts/summary';
import { slotColor } from '../charts/colors';
import { Coalescer } from '../webviews/coalesce';
import { panelHtml, panelOptions } from '../webviews/html';
import { PanelHost } from '../webviews/panelHost';
import { pointsPerSeries } from '../charts/pointBudget';
import { runView, seriesData } from '../webviews/runView';
import { maxPoints } from '../webviews/settings';
import { savePng } from '../webviews/exports';
import { artifactUnderRun } from './artifactPath';

export const DASHBOARD_VIEW = 'trackside.dashboard';

const IMAGE = /\.(png|jpe?g|gif|webp|bmp|svg)$/i;

export class DashboardPanel extends PanelHost {
  private readonly cursor = new LiveCursor();
  private readonly live: Coalescer;
  private keys: string[] = [];
  private points = 2000;
  /** CSS pixels of one chart's plot, as the webview last reported it: sets the point budget. */
  private plotWidth: number | undefined;
  private runDir: string | undefined;

  constructor(
    panel: vscode.WebviewPanel,
    ctx: FeatureContext,
    private state: DashboardState,
    runDir?: string,
  ) {
    super(panel, ctx);
    this.live = new Coalescer(() => this.sendLive(), (err) => this.ctx.output.error(`Dashboard live update failed: ${String(err)}`));
    this.register(
      ctx.store.onDidChange((change) => {
        if (change.changedRuns.includes(this.state.runId) || change.removedRuns.includes(this.state.runId)) this.live.trigger();
      }),
    );
    // The run folder is known before the HTML is set: changing localResourceRoots later reloads the page.
    this.runDir = runDir;
    panel.webview.options = panelOptions(ctx.extension.extensionUri, runDir ? [vscode.Uri.file(runDir)] : []);
    panel.webview.html = panelHtml(panel.webview, ctx.extension.extensionUri, 'dashboard', panel.title);
  }

  get runId(): string {
    return this.state.runId;
  }

  /** Lets the webview load images from this run's folder, and only this panel's run. */
  private allowRunFolder(run: RunDetail): void {
    if (this.runDir === run.dir) return;
    this.runDir = run.dir;
    this.panel.webview.options = panelOptions(this.ctx.extension.extensionUri, [vscode.Uri.file(run.dir)]);
  }

  protected async handle(message: WebviewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        this.plotWidth = message.plotWidth ?? this.plotWidth;
        return this.sendFull();
      case 'state':
        if (message.state.kind === 'dashboard' && message.state.runId === this.state.runId) this.state = message.state;
        return;
      case 'zoom':
        if (message.plotWidth !== undefined && message.plotWidth !== this.plotWidth) {
          this.plotWidth = message.plotWidth;
          this.points = pointsPerSeries({ plotWidth: this.plotWidth, runs: 1, charts: this.keys.length, max: maxPoints() });
        }
        return this.sendRange(message.requestId, message.x, message.range);
      case 'openRun':
        await vscode.commands.executeCommand(Commands.openRun, message.runId);
        return;
      case 'openArtifact':
        return this.openArtifact(message.path);
      case 'exportPng':
        await savePng(message.name, message.dataUrl);
        return;
      case 'painted':
        this.ctx.output.info(`Dashboard of ${this.state.runId}: first paint ${message.ms.toFixed(0)} ms, ${message.charts} charts, ${message.points} points.`);
        return;
      default:
        this.ctx.output.warn(`The dashboard does not handle ${message.type}.`);
    }
  }

  private async sendFull(): Promise<void> {
    const started = performance.now();
    const store = await this.ctx.store.ready();
    const run = store.getRun(this.state.runId);
    if (!run) {
      await this.post({ type: 'notice', level: 'error', message: `Run ${this.state.runId} is not in the index (deleted, or not indexed yet).` });
      return;
    }
    this.allowRunFolder(run);
    this.panel.title = `Run: ${run.name || run.id}`;
    this.keys = orderKeys(store.metricKeys([run.id]));
    this.points = pointsPerSeries({ plotWidth: this.plotWidth, runs: 1, charts: this.keys.length, max: maxPoints() });
    const series = (await store.series({ runIds: [run.id], keys: this.keys, points: this.points, x: 'step' })).map(seriesData);
    this.cursor.reset(series);
    const data: DashboardData = {
      type: 'dashboard/state',
      state: this.state,
      run: runView(run, slotColor(0)),
      params: Object.entries(run.params).sort(([a], [b]) => a.localeCompare(b)),
      summary: Object.entries(run.summary).sort(([a], [b]) => a.localeCompare(b)),
      keys: this.keys,
      series,
      artifacts: await this.artifacts(run),
      hostMs: performance.now() - started,
    };
    if (run.exactInts?.params !== undefined) data.exactParams = run.exactInts.params;
    if (run.exactInts?.summary !== undefined) data.exactSummary = run.exactInts.summary;
    await this.post(data);
  }

  private async artifacts(run: RunDetail): Promise<ArtifactView[]> {
    return Promise.all(
      run.artifacts.map(async (a) => {
        const view: ArtifactView = { path: a.path };
        if (a.kind) view.kind = a.kind;
        if (a.size !== undefined) view.size = a.size;
        const full = a.kind === 'image' || IMAGE.test(a.path) ? await artifactUnderRun(run.dir, a.path) : undefined;
        if (full) view.src = this.panel.webview.asWebviewUri(vscode.Uri.file(full)).toString();
        return view;
      }),
    );
  }

  private async sendLive(): Promise<void> {
    if (!this.ready) return;
    const store = await this.ctx.store.ready();
    const run = store.getRun(this.state.runId);
    if (!run) {
      await this.post({ type: 'notice', level: 'error', message: `Run ${this.state.runId} was removed.` });
      return;
    }
    const keys = orderKeys(store.metricKeys([run.id]));
    // New keys or too many raw appended points: resend downsampled, so the chart never holds more than it can draw.
    if (keys.join('\n') !== this.keys.join('\n') || this.cursor.appended > this.points * 2) return this.sendFull();
    const fresh = await this.fetchAfter(store, run.id, keys);
    await this.post({ type: 'series/append', series: fresh, runs: [runView(run, slotColor(0))] });
  }

  private async fetchAfter(store: RunStore, runId: string, keys: string[]): Promise<SeriesData[]> {
    const asked = this.cursor.requests(runId, keys).map((q) => store.series({ runIds: [runId], keys: q.keys, points: this.points, x: 'step', afterStep: q.afterStep }));
    const fresh = (await Promise.all(asked)).flat();
    return this.cursor.advance(fresh.map(seriesData));
  }

  private async sendRange(requestId: number, x: XMode, range: [number, number] | null): Promise<void> {
    const store = await this.ctx.store.ready();
    const run = store.getRun(this.state.runId);
    if (!run) return;
    let r = range ?? undefined;
    if (r && x === 'relative') r = [r[0] + run.startTime, r[1] + run.startTime];
    const series = (await store.series({ runIds: [run.id], keys: this.keys, points: this.points, x: x === 'step' ? 'step' : 'time', range: r })).map(seriesData);
    await this.post({ type: 'series/range', requestId, range, series });
  }

  private async openArtifact(relative: string): Promise<void> {
    const store = await this.ctx.store.ready();
    const run = store.getRun(this.state.runId);
    // The real path, so the file checked (symlinks followed) is the file opened.
    const real = run && (await resolveInside(run.dir, relative));
    if (!real) throw new Error('that artifact is missing or not inside the run folder');
    await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(real));
  }
}
