import * as vscode from 'vscode';

/** The Runs view guide, relative to the extension folder. */
export const GUIDE_PATH = 'docs/explorer.md';

/** The guide ships inside the extension: it opens offline, and always matches the installed version. */
export async function openGuide(extensionUri: vscode.Uri): Promise<void> {
  const guide = vscode.Uri.joinPath(extensionUri, GUIDE_PATH);
  const exists = await vscode.workspace.fs.stat(guide).then(() => true, () => false);
  await vscode.commands.executeCommand('markdown.showPreview', exists ? guide : vscode.Uri.joinPath(extensionUri, 'README.md'));
}
