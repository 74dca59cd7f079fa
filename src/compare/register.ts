// `trackside.compareRuns` and the compare view's panel serializer.
import * as vscode from 'vscode';
import { Commands } from '../core/commands';
import { Disposable } from '../core/lifecycle';
import type { FeatureContext } from '../core/services';
import { runIdsFrom } from '../core/runRef';
import { capRunIds, MAX_RUNS, parsePanelState } from '../contract/guards';
import { DEFAULT_OPTIONS, type CompareState } from '../contract/messages';
import { defaultSmoothing } from '../webviews/settings';
import { pickRuns } from '../webviews/pickRuns';
import { runReported } from '../core/reported';
import { COMPARE_VIEW, ComparePanel } from './comparePanel';

export class Comparisons extends Disposable {
  private readonly open = new Set<ComparePanel>();

  constructor(private readonly ctx: FeatureContext) {
    super();
    this.register(
      vscode.commands.registerCommand(Commands.compareRuns, (arg?: unknown, selection?: unknown) =>
        runReported(Commands.compareRuns, () => this.compare(arg, selection), ctx.output, (m) => void vscode.window.showErrorMessage(m)),
      ),
    );
    this.register(
      vscode.window.registerWebviewPanelSerializer(COMPARE_VIEW, {
        deserializeWebviewPanel: async (panel, state) => this.restore(panel, state),
      }),
    );
  }

  private async compare(arg: unknown, selection: unknown): Promise<void> {
    let ids = runIdsFrom(arg, selection);
    if (ids.length < 2) {
      const more = await pickRuns(this.ctx, { title: 'Pick Runs to Compare', many: true, exclude: ids });
      ids = [...ids, ...more];
    }
    if (ids.length === 0) return;
    // More runs than a saved state may hold would open a panel that cannot be restored after a reload.
    const capped = capRunIds(ids);
    if (capped.leftOut > 0) {
      void vscode.window.showWarningMessage(`Comparing the first ${MAX_RUNS} runs; ${capped.leftOut} were left out.`);
    }
    ids = capped.ids;
    // The same set already open: show it instead of a second copy.
    const key = [...ids].sort().join('\n');
    for (const p of this.open) {
      if ([...p.runIds].sort().join('\n') === key) {
        p.panel.reveal();
        return;
      }
    }
    const panel = vscode.window.createWebviewPanel(COMPARE_VIEW, `Compare ${ids.length} Runs`, vscode.ViewColumn.Active, {
      enableScripts: true,
      enableFindWidget: true,
      localResourceRoots: [],
    });
    const state: CompareState = {
      kind: 'compare',
      runIds: ids,
      options: { ...DEFAULT_OPTIONS, smoothing: defaultSmoothing() },
      onlyDifferences: true,
      hidden: [],
    };
    this.track(new ComparePanel(panel, this.ctx, state));
  }

  private restore(panel: vscode.WebviewPanel, raw: unknown): void {
    const parsed = parsePanelState(raw);
    if (!parsed.ok || parsed.value.kind !== 'compare') {
      this.ctx.output.warn(`Closed a comparison that could not be restored: ${parsed.ok ? 'not a comparison' : parsed.reason}`);
      panel.dispose();
      return;
    }
    this.track(new ComparePanel(panel, this.ctx, parsed.value));
  }

  private track(panel: ComparePanel): void {
    this.open.add(panel);
    this.register(panel);
    // A closed panel has disposed itself: let go of it so closed panels do not pile up in this feature.
    panel.panel.onDidDispose(() => {
      this.open.delete(panel);
      this.release(panel);
    });
  }
}
