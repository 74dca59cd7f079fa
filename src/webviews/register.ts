// The chart panels as one feature: run dashboards and comparisons.
import * as vscode from 'vscode';
import type { FeatureContext } from '../core/services';
import { Comparisons } from '../compare/register';
import { Dashboards } from '../dashboard/register';

export function registerChartPanels(ctx: FeatureContext): vscode.Disposable {
  const dashboards = new Dashboards(ctx);
  const comparisons = new Comparisons(ctx);
  return vscode.Disposable.from(comparisons, dashboards);
}
