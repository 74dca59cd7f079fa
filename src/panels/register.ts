// The chart panels as one feature: run dashboards and comparisons. A new panel kind registers here.
import * as vscode from 'vscode';
import type { FeatureContext } from '../core/services';
import { registerComparisons } from '../compare/register';
import { registerDashboards } from '../dashboard/register';

export function registerChartPanels(ctx: FeatureContext): vscode.Disposable {
  const dashboards = registerDashboards(ctx);
  const comparisons = registerComparisons(ctx);
  return vscode.Disposable.from(comparisons, dashboards);
}
