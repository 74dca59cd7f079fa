// `trackside.openRun` and the dashboard's panel serializer. One panel per run: opening a run again reveals it.
import * as vscode from 'vscode';
import { Commands } from '../core/commands';
import { Disposable } from '../core/lifecycle';
import type { FeatureContext } from '../core/services';
import { runIdsFrom } from '../core/runRef';
import { parsePanelState } from '../contract/guards';
import { DEFAULT_OPTIONS, type DashboardState } from '../contract/messages';
import { defaultSmoothing } from '../webviews/settings';
import { pickRuns } from '../webviews/pickRuns';
import { OncePerKey } from '../webviews/oncePerKey';
import { runReported } from '../core/reported';
import { plainText } from '../core/text';
import { DASHBOARD_VIEW, DashboardPanel } from './dashboardPanel';

/** At most this many dashboards open from one command, so a big selection does not flood the editor. */
const MAX_AT_ONCE = 8;

export class Dashboards extends Disposable {
  private readonly open = new Map<string, DashboardPanel>();
  private readonly opening = new OncePerKey();

  constructor(private readonly ctx: FeatureContext) {
    super();
    this.register(
      vscode.commands.registerCommand(Commands.openRun, (arg?: unknown, selection?: unknown) =>
        runReported(Commands.openRun, () => this.openRuns(arg, selection), ctx.output, (m) => void vscode.window.showErrorMessage(m)),
      ),
    );
    this.register(
      vscode.window.registerWebviewPanelSerializer(DASHBOARD_VIEW, {
        deserializeWebviewPanel: (panel, state) => this.restore(panel, state),
      }),
    );
  }

  private async openRuns(arg: unknown, selection: unknown): Promise<void> {
    let ids = runIdsFrom(arg, selection);
    if (ids.length === 0) ids = await pickRuns(this.ctx, { title: 'Open Run Dashboard', many: false, exclude: [] });
    if (ids.length > MAX_AT_ONCE) {
      void vscode.window.showWarningMessage(`Opening the first ${MAX_AT_ONCE} of ${ids.length} runs; use Compare Runs to see them together.`);
      ids = ids.slice(0, MAX_AT_ONCE);
    }
    for (const id of ids) await this.show(id);
  }

  private async show(runId: string): Promise<void> {
    const existing = this.open.get(runId);
    if (existing) {
      existing.panel.reveal();
      return;
    }
    return this.opening.run(runId, () => this.create(runId));
  }

  private async create(runId: string): Promise<void> {
    const store = await this.ctx.store.ready();
    const run = store.getRun(runId);
    if (!run) {
      void vscode.window.showErrorMessage(`Trackside: no run with id "${plainText(runId)}" in the index.`);
      return;
    }
    const panel = vscode.window.createWebviewPanel(DASHBOARD_VIEW, `Run: ${run.name || run.id}`, vscode.ViewColumn.Active, {
      enableScripts: true,
      enableFindWidget: true,
      localResourceRoots: [],
    });
    const state: DashboardState = { kind: 'dashboard', runId, options: { ...DEFAULT_OPTIONS, smoothing: defaultSmoothing() } };
    this.track(new DashboardPanel(panel, this.ctx, state, run.dir));
  }

  private async restore(panel: vscode.WebviewPanel, raw: unknown): Promise<void> {
    const parsed = parsePanelState(raw);
    if (!parsed.ok || parsed.value.kind !== 'dashboard') {
      this.ctx.output.warn(`Closed a dashboard that could not be restored: ${parsed.ok ? 'not a dashboard' : parsed.reason}`);
      panel.dispose();
      return;
    }
    const state = parsed.value;
    const existing = this.open.get(state.runId);
    if (existing) {
      panel.dispose();
      existing.panel.reveal();
      return;
    }
    const run = await this.ctx.store.ready().then((s) => s.getRun(state.runId), () => undefined);
    this.track(new DashboardPanel(panel, this.ctx, state, run?.dir));
  }

  private track(dashboard: DashboardPanel): void {
    this.open.set(dashboard.runId, dashboard);
    this.register(dashboard);
    // A closed panel has disposed itself: let go of it so closed panels do not pile up in this feature.
    dashboard.panel.onDidDispose(() => {
      if (this.open.get(dashboard.runId) === dashboard) this.open.delete(dashboard.runId);
      this.release(dashboard);
    });
  }
}
