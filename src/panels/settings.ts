import * as vscode from 'vscode';

/** Upper bound of points per series sent to a chart (`trackside.charts.maxPoints`). */
export function maxPoints(): number {
  const v = vscode.workspace.getConfiguration('trackside.charts').get<number>('maxPoints', 2000);
  return Number.isFinite(v) ? Math.min(Math.max(Math.floor(v), 100), 20_000) : 2000;
}

export function defaultSmoothing(): number {
  const v = vscode.workspace.getConfiguration('trackside.charts').get<number>('smoothing', 0.6);
  return Number.isFinite(v) ? Math.min(Math.max(v, 0), 0.99) : 0.6;
}

/** Whether a new dashboard or comparison is shown in the open one not kept (`trackside.<kind>.reusePanel`). */
export function reusePanel(kind: 'dashboard' | 'compare'): boolean {
  return vscode.workspace.getConfiguration(`trackside.${kind}`).get<boolean>('reusePanel', true) !== false;
}
