// `trackside.compareRuns` and the compare view's panel serializer. One panel per set of runs: comparing the same
// set again reveals it; another set is shown in the compare panel not kept (`trackside.compare.reusePanel`, as the
// dashboard's preview, src/panels/preview.ts).
import * as vscode from 'vscode';
import { Commands } from '../core/commands';
import type { FeatureContext } from '../core/services';
import { runIdsFrom } from '../core/runRef';
import { DEFAULT_OPTIONS } from '../protocol/common';
import type { CompareState } from '../protocol/compare';
import { capRunIds, MAX_RUNS, parseCompareState } from '../protocol/compareGuards';
import { pickRuns } from '../panels/pickRuns';
import { PanelRegistry } from '../panels/registry';
import { defaultSmoothing, reusePanel } from '../panels/settings';
import { COMPARE_VIEW, ComparePanel, comparisonKey } from './comparePanel';

export function registerComparisons(ctx: FeatureContext): vscode.Disposable {
  const comparisons: PanelRegistry<CompareState, ComparePanel> = new PanelRegistry(ctx, {
    viewType: COMPARE_VIEW,
    noun: 'comparison',
    parseState: parseCompareState,
    keyOf: (state) => comparisonKey(state.runIds),
    restore: async (panel, state) => new ComparePanel(panel, ctx, state),
    commands: {
      [Commands.compareRuns]: (arg, selection) => compare(arg, selection),
      [Commands.keepCompareOpen]: () => comparisons.keepActive(),
    },
    previewContext: 'trackside.comparePreviewActive',
  });

  async function compare(arg: unknown, selection: unknown): Promise<void> {
    let ids = runIdsFrom(arg, selection);
    const preview = reusePanel('compare');
    const reuse = preview && comparisons.hasPreview;
    // Loading a webview takes VS Code a second or more; when the user still has runs to pick, the panel loads
    // behind the quick pick meanwhile, so accepting the pick goes straight to drawing. A preview panel open is
    // loaded already: the comparison is drawn in it.
    const warm = ids.length < 2 && !reuse ? new ComparePanel(comparisons.createPanel('Compare Runs', true), ctx, compareState([]), { picking: true, preview }) : undefined;
    let adopted = false;
    try {
      if (ids.length < 2) ids = [...ids, ...(await pickRuns(ctx, { title: 'Pick Runs to Compare', many: true, exclude: ids }))];
      if (ids.length === 0) return;
      // More runs than a saved state may hold would open a panel that cannot be restored after a reload.
      const capped = capRunIds(ids);
      if (capped.leftOut > 0) {
        void vscode.window.showWarningMessage(`Comparing the first ${MAX_RUNS} runs; ${capped.leftOut} were left out.`);
      }
      const state = compareState(capped.ids);
      await comparisons.show(
        comparisonKey(state.runIds),
        async () => {
          if (!warm || warm.closed) return new ComparePanel(comparisons.createPanel(`Compare ${state.runIds.length} Runs`), ctx, state, { preview });
          adopted = true;
          await warm.picked(state);
          return warm;
        },
        preview ? { reuse: (panel) => panel.picked(state) } : {},
      );
    } finally {
      // Cancelled, or the same comparison was already open and has been revealed instead.
      if (warm && !adopted) warm.dispose();
    }
  }

  return comparisons;
}

function compareState(runIds: string[]): CompareState {
  return { kind: 'compare', runIds, options: { ...DEFAULT_OPTIONS, smoothing: defaultSmoothing() }, onlyDifferences: true, hidden: [] };
}
