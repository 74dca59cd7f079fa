// `trackside.openRun` and the dashboard's panel serializer. One panel per run: opening a run again reveals it.
import * as vscode from 'vscode';
import { Commands } from '../core/commands';
import type { FeatureContext } from '../core/services';
import { runIdsFrom } from '../core/runRef';
import { plainText } from '../core/text';
import { DEFAULT_OPTIONS } from '../protocol/common';
import type { DashboardState } from '../protocol/dashboard';
import { parseDashboardState } from '../protocol/dashboardGuards';
import { pickRuns } from '../panels/pickRuns';
import { registerFloorPanel } from '../panels/floorPanel';
import { PanelRegistry } from '../panels/registry';
import { defaultSmoothing } from '../panels/settings';
import { DASHBOARD_VIEW, DashboardPanel } from './dashboardPanel';

/** At most this many dashboards open from one command, so a big selection does not flood the editor. */
const MAX_AT_ONCE = 8;

export function registerDashboards(ctx: FeatureContext): vscode.Disposable {
  const dashboards: PanelRegistry<DashboardState, DashboardPanel> = new PanelRegistry(ctx, {
    viewType: DASHBOARD_VIEW,
    noun: 'dashboard',
    parseState: parseDashboardState,
    keyOf: (state) => state.runId,
    restore: async (panel, state) => {
      const run = await ctx.store.ready().then((s) => s.getRun(state.runId), () => undefined);
      return new DashboardPanel(panel, ctx, state, run?.dir);
    },
    commands: { [Commands.openRun]: (arg, selection) => openRuns(arg, selection) },
  });

  const show = (runId: string): Promise<void> =>
    dashboards.show(runId, async () => {
      const store = await ctx.store.ready();
      const run = store.getRun(runId);
      if (!run) {
        void vscode.window.showErrorMessage(`Trackside: no run with id "${plainText(runId)}" in the index.`);
        return undefined;
      }
      const state: DashboardState = { kind: 'dashboard', runId, options: { ...DEFAULT_OPTIONS, smoothing: defaultSmoothing() } };
      return new DashboardPanel(dashboards.createPanel(`Run: ${run.name || run.id}`), ctx, state, run.dir);
    });

  async function openRuns(arg: unknown, selection: unknown): Promise<void> {
    let ids = runIdsFrom(arg, selection);
    if (ids.length === 0) ids = await pickRuns(ctx, { title: 'Open Run Dashboard', many: false, exclude: [] });
    if (ids.length > MAX_AT_ONCE) {
      void vscode.window.showWarningMessage(`Opening the first ${MAX_AT_ONCE} of ${ids.length} runs; use Compare Runs to see them together.`);
      ids = ids.slice(0, MAX_AT_ONCE);
    }
    for (const id of ids) await show(id);
  }

  // The benches' floor panel (nothing unless a bench set TRACKSIDE_BENCH_FLOOR).
  dashboards.register(registerFloorPanel(ctx.extension.extensionUri));
  return dashboards;
}
