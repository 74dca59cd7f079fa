// The run picker: every run, searchable by name, params and metrics (quick pick matches description and detail).
import * as vscode from 'vscode';
import { exactDigits } from '../core/format';
import { runLabel } from '../core/runLabel';
import { oneLine, withoutIcons } from '../core/text';
import type { ParamValue, RunSummary } from '../store/types';

const MAX_TEXT = 400;

function formatValue(v: ParamValue | number): string {
  if (typeof v === 'number') return Number.isInteger(v) || !Number.isFinite(v) ? String(v) : String(Number(v.toPrecision(4)));
  return typeof v === 'string' ? v : String(v);
}

function clip(text: string): string {
  // Log text is untrusted and can be huge or multi-line; the picker gets one short line, and draws `$(name)`
  // in it as an icon.
  return withoutIcons(oneLine(text, MAX_TEXT));
}

export interface RunPickItem extends vscode.QuickPickItem {
  runId: string;
}

export function runPickItem(run: RunSummary): RunPickItem {
  const params = Object.entries(run.params).map(([k, v]) => `${k}=${exactDigits(run.exactInts?.params, k) ?? formatValue(v)}`).join(' ');
  const metrics = Object.entries(run.metrics)
    .filter(([k]) => !k.startsWith('system/'))
    .map(([k, m]) => `${k}=${formatValue(m.last)}`)
    .join(' ');
  const when = new Date(run.startTime).toLocaleString();
  return {
    runId: run.id,
    label: runLabel(run),
    description: clip(`${run.status} · ${when} · ${params}`),
    detail: metrics ? clip(metrics) : clip(`${run.project} · ${run.id}`),
  };
}

export async function pickRun(runs: RunSummary[], title: string, placeHolder: string): Promise<string | undefined> {
  if (runs.length === 0) {
    void vscode.window.showInformationMessage('Trackside has no runs to pick from in this workspace yet.');
    return undefined;
  }
  const items = [...runs].sort((a, b) => b.startTime - a.startTime).map(runPickItem);
  const picked = await vscode.window.showQuickPick(items, {
    title,
    placeHolder,
    matchOnDescription: true,
    matchOnDetail: true,
    ignoreFocusOut: true,
  });
  return picked?.runId;
}
