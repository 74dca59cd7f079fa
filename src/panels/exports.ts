// Files the panels write on request: a chart as PNG, compared data as CSV, a markdown report. Every write goes
// through a save dialog in the workspace, so nothing lands anywhere the user did not choose.
import * as vscode from 'vscode';
import { PNG_PREFIX } from '../protocol/guards';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** A file name from untrusted text: letters, digits, dot, dash, underscore; nothing else survives. */
export function safeFileName(name: string, fallback: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+|-+$/g, '').slice(0, 80);
  return cleaned || fallback;
}

export function defaultFolder(): vscode.Uri | undefined {
  return vscode.workspace.workspaceFolders?.[0]?.uri;
}

export function stamp(now = new Date()): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
}

async function saveAs(fileName: string, filters: Record<string, string[]>, bytes: Uint8Array): Promise<vscode.Uri | undefined> {
  const folder = defaultFolder();
  const target = await vscode.window.showSaveDialog({
    defaultUri: folder ? vscode.Uri.joinPath(folder, fileName) : undefined,
    filters,
    saveLabel: 'Export',
  });
  if (!target) return undefined;
  await vscode.workspace.fs.writeFile(target, bytes);
  return target;
}

export async function savePng(name: string, dataUrl: string): Promise<vscode.Uri | undefined> {
  const bytes = Uint8Array.from(Buffer.from(dataUrl.slice(PNG_PREFIX.length), 'base64'));
  if (!PNG_SIGNATURE.every((b, i) => bytes[i] === b)) throw new Error('the chart image is not a PNG');
  const uri = await saveAs(`${safeFileName(name, 'chart')}.png`, { 'PNG image': ['png'] }, bytes);
  if (uri) void vscode.window.showInformationMessage(`Saved chart to ${vscode.workspace.asRelativePath(uri)}.`);
  return uri;
}

export async function saveText(fileName: string, filters: Record<string, string[]>, text: string, open: boolean): Promise<vscode.Uri | undefined> {
  const uri = await saveAs(fileName, filters, new TextEncoder().encode(text));
  if (!uri) return undefined;
  if (open) await vscode.window.showTextDocument(uri, { preview: false });
  else void vscode.window.showInformationMessage(`Saved ${vscode.workspace.asRelativePath(uri)}.`);
  return uri;
}
