// Where other tools' runs are searched and which kinds are read: every workspace folder plus
// `trackside.importFolders` (relative to each workspace folder, or absolute), minus the kinds switched off in
// `trackside.importers`.
import * as path from 'node:path';
import * as vscode from 'vscode';

export const IMPORT_SETTINGS = ['trackside.importFolders', 'trackside.importers'] as const;

export function scanFolders(): string[] {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const out = new Set<string>(folders.map((f) => f.uri.fsPath));
  const add = (entry: string, base: string | undefined) => {
    if (path.isAbsolute(entry)) out.add(path.normalize(entry));
    else if (base !== undefined) out.add(path.join(base, entry));
  };
  for (const folder of folders) for (const entry of listSetting(folder)) add(entry, folder.uri.fsPath);
  if (folders.length === 0) for (const entry of listSetting(undefined)) add(entry, undefined);
  return [...out];
}

function listSetting(folder: vscode.WorkspaceFolder | undefined): string[] {
  const raw = vscode.workspace.getConfiguration('trackside', folder?.uri).get<unknown>('importFolders');
  return Array.isArray(raw) ? raw.filter((x): x is string => typeof x === 'string' && x.trim() !== '').map((s) => s.trim()) : [];
}

/** The kinds set to `false` in `trackside.importers`. */
export function sourcesOff(): string[] {
  const raw = vscode.workspace.getConfiguration('trackside').get<unknown>('importers');
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return [];
  return Object.entries(raw as Record<string, unknown>)
    .filter(([, on]) => on === false)
    .map(([kind]) => kind);
}
