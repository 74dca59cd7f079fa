// One run's dashboard: header, metric charts grouped by prefix, params, artifacts, notes; live while the run
// writes. The panel's only persistent state is the run id and chart options, so a reload rebuilds it from the store.
// A preview dashboard (not kept) is reused for the next run opened: `showRun` posts that run to the loaded page.
import * as vscode from 'vscode';
import { Commands } from '../core/commands';
import type { FeatureContext } from '../core/services';
import { artifactUnderRun } from '../core/artifacts';
import { openArtifact } from '../core/openArtifact';
import { unhandled, type ChartInbound } from '../protocol/common';
import type { ArtifactView, DashboardData, DashboardOutbound, DashboardRequest, DashboardState } from '../protocol/dashboard';
import { parseDashboardMessage } from '../protocol/dashboardGuards';
import { compareParamKeys } from '../shared/params';
import type { RunDetail } from '../store/types';
import { ChartPanel, type Loaded } from '../panels/chartPanel';
import { MediaServer } from '../panels/mediaServer';
import { previewRoots } from '../panels/preview';
import { packSeries } from '../panels/runView';

export const DASHBOARD_VIEW = 'trackside.dashboard';

const IMAGE = /\.(png|jpe?g|gif|webp|bmp|svg)$/i;

export class DashboardPanel extends ChartPanel<DashboardState, DashboardRequest, DashboardOutbound> {
  protected readonly label = 'Dashboard';
  private readonly media = new MediaServer(this.panel.webview);
  /** The media keys and counts last sent: a live pass that changed them sends the keys again. */
  private mediaSent = '';
  /** Created as the preview: may load files from beside its run's folder too (previewRoots), as the runs it may show next. */
  private readonly wide: boolean;
  /** When the run shown was asked for: the paint log measures from here. */
  private shownAt = this.createdAt;
  private reused = false;

  constructor(panel: vscode.WebviewPanel, ctx: FeatureContext, state: DashboardState, runDir?: string, preview = false) {
    super(panel, ctx, parseDashboardMessage, state, runDir ? (preview ? previewRoots(runDir) : [runDir]) : []);
    this.wide = preview;
    this.sendEarly();
  }

  /**
   * Shows another run in this panel's loaded page (the preview reused), with the chart options the user set here:
   * the page resets for it, with no new webview to wait for.
   */
  async showRun(runId: string, title: string): Promise<void> {
    this.state = { ...this.state, runId };
    this.shownAt = performance.now();
    this.reused = true;
    this.forgetRuns();
    this.mediaSent = '';
    this.panel.title = title;
    this.panel.reveal();
    if (this.ready) await this.sendFull();
    // Still loading its first run: the new state goes after that one. A hidden page reloads when shown and asks.
    else if (this.panel.visible) this.sendEarly();
  }

  get runIds(): readonly string[] {
    return [this.state.runId];
  }

  get key(): string {
    return this.state.runId;
  }

  protected async stateChanged(next: DashboardState): Promise<void> {
    if (next.runId === this.state.runId) this.state = next;
  }

  protected async handleOwn(message: DashboardRequest): Promise<void> {
    switch (message.type) {
      case 'openArtifact': {
        const { runs } = await this.load();
        if (!runs[0]) throw new Error(`run ${this.state.runId} is not in the index`);
        await openArtifact(runs[0].dir, message.path);
        return;
      }
      case 'registerModel':
        await vscode.commands.executeCommand(Commands.registerModel, { runId: this.state.runId, artifact: message.path });
        return;
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
    const since = this.reused ? 'the run was opened in this panel' : 'the panel was created';
    return `Dashboard of ${this.state.runId}: painted ${this.timeline(m, this.shownAt)} after ${since}.`;
  }

  protected async sendFull(): Promise<void> {
    const started = performance.now();
    const { store, runs } = await this.load();
    const run = runs[0];
    // Another run was opened in this panel meanwhile: its own full state follows.
    if (run && run.id !== this.state.runId) return;
    if (!run) {
      await this.post({ type: 'notice', level: 'error', message: `Run ${this.state.runId} is not in the index (deleted, or not indexed yet).` });
      return;
    }
    // Lets the webview load images from this run's folder, and only this panel's run (a preview: previewRoots).
    this.allowFolders(this.wide ? previewRoots(run.dir) : [run.dir]);
    this.panel.title = `Run: ${run.name || run.id}`;
    const series = await this.fullSeries(store, [run.id]);
    this.mediaSent = MediaServer.signature(store, [run.id]);
    const media = this.media.keys(store, [run.id]);
    const { first, rest } = this.splitFirst(series);
    const data: DashboardData = {
      type: 'dashboard/state',
      state: this.state,
      run: this.views([run])[0]!,
      params: Object.entries(run.params).sort(([a], [b]) => compareParamKeys(a, b)),
      summary: Object.entries(run.summary).sort(([a], [b]) => compareParamKeys(a, b)),
      keys: this.keys,
      series: packSeries(first),
      artifacts: await this.artifacts(run),
      media,
      mediaFirst: await this.media.first(store, [run], media),
      timing: { hostMs: 0, sentAt: 0 },
    };
    if (run.exactInts?.params !== undefined) data.exactParams = run.exactInts.params;
    if (run.exactInts?.summary !== undefined) data.exactSummary = run.exactInts.summary;
    if (run.id !== this.state.runId) return;
    data.timing = this.timing(started);
    await this.post(data);
    await this.sendRest(rest, [data.run]);
  }

  /** Media follow the live run: new keys or steps go out as `media/keys`, and the webview fetches what it shows. */
  protected override async appended({ store, runs }: Loaded): Promise<void> {
    const ids = runs.map((r) => r.id);
    const now = MediaServer.signature(store, ids);
    if (now === this.mediaSent) return;
    this.mediaSent = now;
    await this.post({ type: 'media/keys', keys: this.media.keys(store, ids) });
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
}
