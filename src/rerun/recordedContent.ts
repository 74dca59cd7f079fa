// "Show differences": the recorded code (commit + saved diff, as a git tree) on the left, the working file on
// the right. The left side is a read-only virtual document served from git, so nothing is written anywhere.
import * as vscode from 'vscode';
import { join } from 'node:path';
import { Disposable } from '../core/lifecycle';
import { fileAt } from './git';
import { exists } from './codeState';

export const RECORDED_SCHEME = 'trackside-recorded';
const MAX_FILES = 200;

interface RecordedRef {
  repo: string;
  /** A git tree id; empty for "no such file". */
  tree: string;
}

export class RecordedContent extends Disposable implements vscode.TextDocumentContentProvider {
  constructor() {
    super();
    this.register(vscode.workspace.registerTextDocumentContentProvider(RECORDED_SCHEME, this));
  }

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const ref = JSON.parse(uri.query) as RecordedRef;
    if (!ref.tree) return '';
    return (await fileAt(ref.repo, ref.tree, uri.path.replace(/^\//, ''))) ?? '';
  }

  static uri(repo: string, tree: string, path: string, label: string): vscode.Uri {
    return vscode.Uri.from({ scheme: RECORDED_SCHEME, path: `/${path}`, query: JSON.stringify({ repo, tree } satisfies RecordedRef), fragment: label });
  }

  /** Opens one diff editor per changed file (a multi-file diff when there are several). */
  async showDifferences(repo: string, tree: string, files: string[], runName: string): Promise<void> {
    const shown = files.slice(0, MAX_FILES);
    const entries = await Promise.all(
      shown.map(async (file) => {
        const left = RecordedContent.uri(repo, tree, file, 'recorded');
        const abs = join(repo, file);
        const right = (await exists(abs, 'file')) ? vscode.Uri.file(abs) : RecordedContent.uri(repo, '', file, 'deleted');
        return [vscode.Uri.file(abs), left, right] as const;
      }),
    );
    const title = `${runName}: recorded ↔ working tree`;
    if (entries.length === 1) {
      const [resource, left, right] = entries[0] as (typeof entries)[number];
      await vscode.commands.executeCommand('vscode.diff', left, right, `${vscode.workspace.asRelativePath(resource)} (${title})`);
    } else {
      await vscode.commands.executeCommand('vscode.changes', title, entries.map((e) => [...e]));
    }
    if (files.length > shown.length) {
      void vscode.window.showInformationMessage(`Showing the first ${shown.length} of ${files.length} changed files.`);
    }
  }
}
