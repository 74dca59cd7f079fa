// `trackside.openRun` and the dashboard's panel serializer. One panel per run: opening a run again reveals it.
// Opening another run shows it in the preview dashboard (the one not kept) when `trackside.dashboard.reusePanel`
// is on; "Keep Open" and "Open Dashboard to the Side" give a panel of its own that stays (src/panels/preview.ts).
import * as vscode from 'vscode';
import { Commands } from '../core/commands';
import type { FeatureContext } from '../core/services';
import { runIdsFrom } from '../core/runRef';
import { plainText } from '../core/text';
import { DEFAULT_OPTIONS } from '../protocol/common';
import type { DashboardState } from '../protocol/dashboard';
import { parseDashboardState } from '../protocol/dashboardGuards';
import type { RunDetail } from '../store/types';
import { pickRuns } from '../panels/pickRuns';
import { registerFloorPanel } from '../panels/floorPanel';
import { PanelRegistry } from '../panels/registry';
import { defaultSmoothing, reusePanel } from '../panels/settings';
import { DASHBOARD_VIEW, DashboardPanel } from './dashboardPanel';

/** At most this many dashboards open from one command, so a big selection does not flood the editor. */
const MAX_AT_ONCE = 8;

/** Set while the preview dashboard is the active editor: its title bar shows "Keep Open". */
const PREVIEW_CONTEXT = 'trackside.dashboardPreviewActive';

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
    commands: {
      [Commands.openRun]: (arg, selection) => openRuns(arg, selection, false),
      [Commands.openRunToSide]: (arg, selection) => openRuns(arg, selection, true),
      [Commands.keepDashboardOpen]: () => dashboards.keepActive(),
    },
    previewContext: PREVIEW_CONTEXT,
  });

  const title = (run: RunDetail): string => `Run: ${run.name || run.id}`;

  /** The run, or undefined having told the user it is not in the index. */
  const find = async (runId: string): Promise<RunDetail | undefined> => {
    const run = (await ctx.store.ready()).getRun(runId);
    if (!run) void vscode.window.showErrorMessage(`Trackside: no run with id "${plainText(runId)}" in the index.`);
    return run;
  };

  const show = (runId: string, opts: { reuse: boolean; toSide: boolean }): Promise<void> =>
    dashboards.show(
      runId,
      async ({ kept, toSide }) => {
        const run = await find(runId);
        if (!run) return undefined;
        const state: DashboardState = { kind: 'dashboard', runId, options: { ...DEFAULT_OPTIONS, smoothing: defaultSmoothing() } };
        return new DashboardPanel(dashboards.createPanel(title(run), false, toSide), ctx, state, run.dir, !kept);
      },
      {
        toSide: opts.toSide,
        ...(opts.reuse
          ? {
              reuse: async (panel: DashboardPanel) => {
                const run = await find(runId);
                if (run) await panel.showRun(runId, title(run));
              },
            }
          : {}),
      },
    );

  async function openRuns(arg: unknown, selection: unknown, toSide: boolean): Promise<void> {
    let ids = runIdsFrom(arg, selection);
    if (ids.length === 0) ids = await pickRuns(ctx, { title: toSide ? 'Open Run Dashboard to the Side' : 'Open Run Dashboard', many: false, exclude: [] });
    if (ids.length > MAX_AT_ONCE) {
      void vscode.window.showWarningMessage(`Opening the first ${MAX_AT_ONCE} of ${ids.length} runs; use Compare Runs to see them together.`);
      ids = ids.slice(0, MAX_AT_ONCE);
    }
    // Several runs at once each get a panel that stays: reusing one panel would leave only the last on screen.
    const reuse = ids.length === 1 && reusePanel('dashboard');
    for (const id of ids) await show(id, { reuse, toSide });
  }

  // The benches' floor panel (nothing unless a bench set TRACKSIDE_BENCH_FLOOR).
  dashboards.register(registerFloorPanel(ctx.extension.extensionUri));
  return dashboards;
}
