// A quick pick over the indexed runs, newest first: used to open a dashboard without a selection and to add
// runs to a comparison from inside the view.
import * as vscode from 'vscode';
import type { FeatureContext } from '../core/services';
import { formatTime } from '../core/format';
import { runLabel } from '../core/runLabel';

interface RunItem extends vscode.QuickPickItem {
  runId: string;
}

export async function pickRuns(ctx: FeatureContext, opts: { title: string; many: boolean; exclude: string[] }): Promise<string[]> {
  const store = await ctx.store.ready();
  const skip = new Set(opts.exclude);
  const items: RunItem[] = store
    .listRuns({ sort: { key: { kind: 'start' }, descending: true } })
    .filter((r) => !skip.has(r.id))
    .map((r) => ({
      runId: r.id,
      label: runLabel(r),
      description: `${r.status} · ${formatTime(r.startTime)}`,
      detail: r.id,
    }));
  if (items.length === 0) {
    void vscode.window.showInformationMessage('Trackside: there are no other runs to pick.');
    return [];
  }
  if (opts.many) {
    const picked = await vscode.window.showQuickPick(items, { title: opts.title, canPickMany: true, matchOnDetail: true, matchOnDescription: true });
    return (picked ?? []).map((p) => p.runId);
  }
  const picked = await vscode.window.showQuickPick(items, { title: opts.title, matchOnDetail: true, matchOnDescription: true });
  return picked ? [picked.runId] : [];
}
