// `trackside.compareRuns` and the compare view's panel serializer. One panel per set of runs: comparing the same
// set again reveals it.
import * as vscode from 'vscode';
import { Commands } from '../core/commands';
import type { FeatureContext } from '../core/services';
import { runIdsFrom } from '../core/runRef';
import { DEFAULT_OPTIONS } from '../protocol/common';
import type { CompareState } from '../protocol/compare';
import { capRunIds, MAX_RUNS, parseCompareState } from '../protocol/compareGuards';
import { pickRuns } from '../panels/pickRuns';
import { PanelRegistry } from '../panels/registry';
import { defaultSmoothing } from '../panels/settings';
import { COMPARE_VIEW, ComparePanel, comparisonKey } from './comparePanel';

export function registerComparisons(ctx: FeatureContext): vscode.Disposable {
  const comparisons: PanelRegistry<CompareState, ComparePanel> = new PanelRegistry(ctx, {
    viewType: COMPARE_VIEW,
    noun: 'comparison',
    parseState: parseCompareState,
    keyOf: (state) => comparisonKey(state.runIds),
    restore: async (panel, state) => new ComparePanel(panel, ctx, state),
    commands: { [Commands.compareRuns]: (arg, selection) => compare(arg, selection) },
  });

  async function compare(arg: unknown, selection: unknown): Promise<void> {
    let ids = runIdsFrom(arg, selection);
    if (ids.length < 2) {
      const more = await pickRuns(ctx, { title: 'Pick Runs to Compare', many: true, exclude: ids });
      ids = [...ids, ...more];
    }
    if (ids.length === 0) return;
    // More runs than a saved state may hold would open a panel that cannot be restored after a reload.
    const capped = capRunIds(ids);
    if (capped.leftOut > 0) {
      void vscode.window.showWarningMessage(`Comparing the first ${MAX_RUNS} runs; ${capped.leftOut} were left out.`);
    }
    const state: CompareState = {
      kind: 'compare',
      runIds: capped.ids,
      options: { ...DEFAULT_OPTIONS, smoothing: defaultSmoothing() },
      onlyDifferences: true,
      hidden: [],
    };
    await comparisons.show(comparisonKey(state.runIds), async () => new ComparePanel(comparisons.createPanel(`Compare ${state.runIds.length} Runs`), ctx, state));
  }

  return comparisons;
}
