// "Trackside: Copy Logger into Workspace": for runs started outside VS Code (CI, a cluster), where the
// terminals' PYTHONPATH does not reach.
import * as vscode from 'vscode';

export async function copyLoggerIntoWorkspace(loggerDir: vscode.Uri, output: vscode.LogOutputChannel): Promise<void> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (!folders.length) {
    void vscode.window.showInformationMessage('Open a folder first: the logger is copied into it.');
    return;
  }
  const folder = folders.length === 1 ? folders[0] : await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Copy the Trackside logger into which folder?' });
  if (!folder) return;
  const source = vscode.Uri.joinPath(loggerDir, 'trackside');
  const target = vscode.Uri.joinPath(folder.uri, 'trackside');
  const exists = await vscode.workspace.fs.stat(target).then(() => true, () => false);
  if (exists) {
    const ok = await vscode.window.showWarningMessage(`${target.fsPath} already exists. Replace it with the logger bundled in this extension?`, { modal: true }, 'Replace');
    if (ok !== 'Replace') return;
  }
  await vscode.workspace.fs.copy(source, target, { overwrite: true }).then(undefined, (err: unknown) => {
    throw new Error(`Could not copy the logger: ${err instanceof Error ? err.message : String(err)}`);
  });
  output.info(`Copied the Trackside logger to ${target.fsPath}.`);
  const open = await vscode.window.showInformationMessage(`Copied the Trackside logger to ${vscode.workspace.asRelativePath(target)}: \`import trackside\` now works from ${folder.name} without installing anything.`, 'Show');
  if (open === 'Show') await vscode.commands.executeCommand('revealInExplorer', target);
}
