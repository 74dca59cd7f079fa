// Compare runs: params diff, metric summary with best marked and deltas against a baseline, overlaid charts,
// parallel coordinates and scatter. Built for hundreds of runs: the host downsamples, the webview only draws.
import * as vscode from 'vscode';
import type { FeatureContext } from '../core/services';
import { unhandled, type ChartInbound } from '../protocol/common';
import type { CompareData, CompareOutbound, CompareRequest, CompareState } from '../protocol/compare';
import { capRunIds, MAX_RUNS, parseCompareMessage } from '../protocol/compareGuards';
import { paramRows } from '../shared/params';
import { defaultBaseline, metricRows } from '../shared/summary';
import type { RunDetail } from '../store/types';
import { ChartPanel, type Loaded } from '../panels/chartPanel';
import { MediaServer } from '../panels/mediaServer';
import { packSeries } from '../panels/runView';
import { saveText, stamp } from '../panels/exports';
import { pickRuns } from '../panels/pickRuns';
import { previewRoots } from '../panels/preview';
import { comparisonCsv, comparisonMarkdown, type Comparison } from './report';

export const COMPARE_VIEW = 'trackside.compare';

/** The same set of runs is the same comparison, in whatever order they were picked. */
export function comparisonKey(runIds: readonly string[]): string {
  return [...runIds].sort().join('\n');
}

export class ComparePanel extends ChartPanel<CompareState, CompareRequest, CompareOutbound> {
  protected readonly label = 'Compare';
  private metricsSentAt = 0;
  private metricsTimer: ReturnType<typeof setTimeout> | undefined;
  /** Loading behind the quick pick: nothing to send until the runs are picked. */
  private picking: boolean;
  /** When the runs were given: the paint log measures from here, as the user waits from here. */
  private shownAt = this.createdAt;
  private readonly media = new MediaServer(this.panel.webview);
  /** The media keys and counts last sent (see DashboardPanel.appended). */
  private mediaSent = '';

  /** May become the preview: its folders only grow (previewRoots), so showing another comparison rarely reloads the page. */
  private readonly wide: boolean;

  constructor(panel: vscode.WebviewPanel, ctx: FeatureContext, state: CompareState, opts: { picking?: boolean; preview?: boolean } = {}) {
    super(panel, ctx, parseCompareMessage, state);
    this.picking = opts.picking ?? false;
    this.wide = opts.preview ?? false;
    this.register({ dispose: () => clearTimeout(this.metricsTimer) });
    if (!this.picking) this.sendEarly();
  }

  get closed(): boolean {
    return this.isDisposed;
  }

  /**
   * The user picked the runs of a panel opened while picking, or opened another comparison while this one is the
   * preview: draw them (now, if the webview is already up).
   */
  async picked(state: CompareState): Promise<void> {
    this.state = state;
    this.picking = false;
    this.forgetRuns();
    this.mediaSent = '';
    this.shownAt = performance.now();
    this.panel.title = `Compare ${state.runIds.length} Runs`;
    this.panel.reveal(undefined, false);
    // The page may still be loading behind the pick: the state goes now, not after its `ready`. A hidden page
    // (a preview in a background tab) reloads as it is shown and asks for it.
    if (this.ready) await this.sendFull();
    else if (this.panel.visible) this.sendEarly();
  }

  get runIds(): readonly string[] {
    return this.state.runIds;
  }

  get key(): string {
    return comparisonKey(this.state.runIds);
  }

  protected async handleOwn(message: CompareRequest): Promise<void> {
    switch (message.type) {
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
      case 'media/get':
      case 'media/histograms':
      case 'media/table':
      case 'media/open': {
        const { store, runs } = await this.load();
        const answer = await this.media.answer(store, runs, message);
        if (answer !== undefined) await this.post(answer);
        return;
      }
      default:
        unhandled(message);
    }
  }

  protected paintedLine(m: Extract<ChartInbound, { type: 'painted' }>): string {
    return `Compare of ${this.state.runIds.length} runs: painted ${this.timeline(m, this.shownAt)} after the runs were given.`;
  }

  /** The webview changed options; only a new baseline needs an answer (new deltas). Run lists change via messages. */
  protected async stateChanged(next: CompareState): Promise<void> {
    const sameRuns = next.runIds.length === this.state.runIds.length && next.runIds.every((id, i) => id === this.state.runIds[i]);
    if (!sameRuns) return;
    const baselineChanged = next.baseline !== this.state.baseline;
    this.state = next;
    if (!baselineChanged) return;
    const { runs } = await this.load();
    const baseline = this.baselineOf(runs);
    await this.post({ type: 'compare/metrics', baseline, metrics: metricRows(runs, baseline) });
  }

  private baselineOf(runs: RunDetail[]): string | undefined {
    return this.state.baseline && runs.some((r) => r.id === this.state.baseline) ? this.state.baseline : defaultBaseline(runs);
  }

  private async comparison(): Promise<Comparison> {
    const { runs } = await this.load();
    const baseline = this.baselineOf(runs);
    return { runs: this.views(runs), params: paramRows(runs), metrics: metricRows(runs, baseline), baseline };
  }

  protected async sendFull(): Promise<void> {
    if (this.picking) return;
    const started = performance.now();
    const asked = this.key;
    const { store, runs, missing } = await this.load();
    // Another comparison was opened in this panel meanwhile: its own full state follows.
    if (this.key !== asked) return;
    this.panel.title = `Compare ${this.state.runIds.length} Runs`;
    const ids = runs.map((r) => r.id);
    const media = this.media.keys(store, ids);
    this.mediaSent = MediaServer.signature(store, ids);
    // Media images load from the run folders; only runs with media widen the roots (a change reloads the page once).
    const withMedia = new Set(media.map((m) => m.runId));
    const dirs = runs.filter((r) => withMedia.has(r.id)).map((r) => r.dir);
    this.allowFolders(this.wide ? [...new Set([...this.folders, ...dirs.flatMap(previewRoots)])] : dirs);
    const series = await this.fullSeries(
      store,
      runs.map((r) => r.id),
    );
    const baseline = this.baselineOf(runs);
    const { first, rest } = this.splitFirst(series);
    const data: CompareData = {
      type: 'compare/state',
      state: this.state,
      runs: this.views(runs),
      missing,
      params: paramRows(runs),
      metrics: metricRows(runs, baseline),
      keys: this.keys,
      series: packSeries(first),
      media,
      timing: { hostMs: 0, sentAt: 0 },
    };
    if (baseline !== undefined) data.baseline = baseline;
    if (this.key !== asked) return;
    data.timing = this.timing(started);
    await this.post(data);
    await this.sendRest(rest, data.runs);
  }

  /**
   * Summaries (last/best) move with the new points; the tables redraw at most every two seconds, since with
   * many live runs rebuilding them on every flush would cost more than the charts.
   */
  protected override async appended({ store, runs }: Loaded): Promise<void> {
    const ids = runs.map((r) => r.id);
    const signature = MediaServer.signature(store, ids);
    if (signature !== this.mediaSent) {
      this.mediaSent = signature;
      await this.post({ type: 'media/keys', keys: this.media.keys(store, ids) });
    }
    const wait = 2000 - (performance.now() - this.metricsSentAt);
    if (wait > 0) {
      // A trailing update, so the last flush of a run is never left out of the tables.
      this.metricsTimer ??= setTimeout(() => {
        this.metricsTimer = undefined;
        this.refreshLive();
      }, wait);
      return;
    }
    this.metricsSentAt = performance.now();
    const baseline = this.baselineOf(runs);
    await this.post({ type: 'compare/metrics', baseline, metrics: metricRows(runs, baseline) });
  }
}
