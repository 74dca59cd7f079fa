import * as vscode from 'vscode';
import type { SortKey } from '../store/types';
import { inferGoal } from './model/primaryMetric';
import { sortKeyLabel, type SortSpec } from './model/sort';

interface KeyItem extends vscode.QuickPickItem {
  key: SortKey;
}

function sameKey(a: SortKey, b: SortKey): boolean {
  return a.kind === b.kind && ('key' in a ? a.key : '') === ('key' in b ? b.key : '');
}

/** Picks a sort column (any metric or param the runs have) and then its direction. */
export async function askForSort(current: SortSpec, metricKeys: string[], paramKeys: string[]): Promise<SortSpec | undefined> {
  const mark = (key: SortKey): string | undefined => (sameKey(key, current.key) ? `current, ${current.descending ? 'descending' : 'ascending'}` : undefined);
  const fixed: SortKey[] = [{ kind: 'start' }, { kind: 'duration' }, { kind: 'name' }, { kind: 'status' }];
  const items: Array<KeyItem | vscode.QuickPickItem> = [
    ...fixed.map((key): KeyItem => ({ label: `$(${key.kind === 'start' ? 'calendar' : key.kind === 'duration' ? 'watch' : key.kind === 'name' ? 'symbol-text' : 'pass'}) ${sortKeyLabel(key)}`, description: mark(key), key })),
    { label: 'Metrics', kind: vscode.QuickPickItemKind.Separator },
    ...metricKeys.map((k): KeyItem => ({ label: `$(graph-line) ${k}`, description: mark({ kind: 'metric', key: k }), key: { kind: 'metric', key: k } })),
    { label: 'Params', kind: vscode.QuickPickItemKind.Separator },
    ...paramKeys.map((k): KeyItem => ({ label: `$(symbol-parameter) ${k}`, description: mark({ kind: 'param', key: k }), key: { kind: 'param', key: k } })),
  ];
  const picked = (await vscode.window.showQuickPick(items, { title: 'Sort Runs By', placeHolder: 'Start time, duration, name, status, any metric or param', matchOnDescription: true })) as KeyItem | undefined;
  if (!picked?.key) return undefined;
  const key = picked.key;
  // Offer first the direction people usually want: newest, longest, best.
  const bestFirstDescending = key.kind === 'metric' ? inferGoal(key.key) === 'max' : key.kind === 'start' || key.kind === 'duration';
  const directions = [
    { label: '$(arrow-down) Descending', description: key.kind === 'metric' ? 'highest first' : key.kind === 'start' ? 'newest first' : undefined, descending: true },
    { label: '$(arrow-up) Ascending', description: key.kind === 'metric' ? 'lowest first' : key.kind === 'start' ? 'oldest first' : undefined, descending: false },
  ];
  if (!bestFirstDescending) directions.reverse();
  const dir = await vscode.window.showQuickPick(directions, { title: `Sort by ${sortKeyLabel(key)}` });
  return dir ? { key, descending: dir.descending } : undefined;
}
