// Where runs live: `trackside.runFolders` entries (plain folders or globs, relative to each workspace folder or
// absolute), plus TRACKSIDE_DIR when the editor was started with it, as the logger would use it.
import * as path from 'node:path';
import * as vscode from 'vscode';

export const DEFAULT_RUN_FOLDERS = ['.trackside'];
const GLOB = /[*?[\]{}]/;

export interface RunRoot {
  /** Absolute folder holding `runs/<id>/events.jsonl`. */
  fsPath: string;
  /** What to watch: `runs/**` under the root. */
  watch: vscode.RelativePattern;
}

/** The setting as it applies to one workspace folder (multi-root workspaces may set it per folder). */
export function runFolderSetting(folder?: vscode.WorkspaceFolder): string[] {
  const raw = vscode.workspace.getConfiguration('trackside', folder?.uri).get<unknown>('runFolders');
  const list = Array.isArray(raw) ? raw.filter((x): x is string => typeof x === 'string' && x.trim() !== '') : [];
  return list.length ? list.map((s) => s.trim()) : DEFAULT_RUN_FOLDERS;
}

function rootAt(fsPath: string): RunRoot {
  return { fsPath, watch: new vscode.RelativePattern(vscode.Uri.file(fsPath), 'runs/**') };
}

/** Resolves the setting against the open folders; globs are expanded by finding the logs under them. */
export async function resolveRoots(token?: vscode.CancellationToken): Promise<{ roots: RunRoot[]; globs: vscode.RelativePattern[] }> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const seen = new Map<string, RunRoot>();
  const globs: vscode.RelativePattern[] = [];
  const add = (p: string): void => {
    const norm = path.normalize(p);
    if (!seen.has(norm)) seen.set(norm, rootAt(norm));
  };
  const entries: Array<{ entry: string; folder: vscode.WorkspaceFolder | undefined }> = [];
  for (const folder of folders) {
    for (const entry of runFolderSetting(folder)) entries.push({ entry, folder: path.isAbsolute(entry) ? undefined : folder });
  }
  if (!folders.length) for (const entry of runFolderSetting()) if (path.isAbsolute(entry)) entries.push({ entry, folder: undefined });
  const done = new Set<string>();
  for (const { entry, folder } of entries) {
    const key = `${folder?.uri.toString() ?? ''}\u0000${entry}`;
    if (done.has(key)) continue;
    done.add(key);
    if (!GLOB.test(entry)) {
      add(folder ? path.join(folder.uri.fsPath, entry) : entry);
      continue;
    }
    const base: vscode.Uri | vscode.WorkspaceFolder = folder ?? vscode.Uri.file(path.parse(entry).root);
    const rel = folder ? entry : path.relative(path.parse(entry).root, entry);
    const pattern = new vscode.RelativePattern(base, `${rel.replace(/\\/g, '/').replace(/\/+$/, '')}/runs/*/events.jsonl`);
    globs.push(pattern);
    for (const log of await vscode.workspace.findFiles(pattern, undefined, 100_000, token)) {
      add(path.dirname(path.dirname(path.dirname(log.fsPath))));
    }
  }
  const env = process.env.TRACKSIDE_DIR;
  if (env && path.isAbsolute(env)) add(env);
  return { roots: [...seen.values()], globs };
}
