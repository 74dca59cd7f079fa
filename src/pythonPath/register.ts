// Zero-install logger: integrated terminals get the bundled `trackside` package on PYTHONPATH, so
// `import trackside` works without pip. A command copies the package into the workspace for runs started
// outside VS Code (CI, a cluster).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Disposable } from '../core/lifecycle';
import type { FeatureContext } from '../core/services';
import { Commands } from '../core/commands';

const SETTING = 'trackside.logger.addToPythonPath';

export function registerPythonPath(features: FeatureContext): vscode.Disposable {
  return new PythonPath(features);
}

class PythonPath extends Disposable {
  private readonly loggerDir: vscode.Uri;

  constructor(private readonly features: FeatureContext) {
    super();
    this.loggerDir = vscode.Uri.joinPath(features.extension.extensionUri, 'logger');
    this.apply();
    this.register(vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(SETTING) && this.apply()));
    this.register(vscode.workspace.onDidGrantWorkspaceTrust(() => this.apply()));
    this.register(vscode.commands.registerCommand(Commands.copyLoggerToWorkspace, () => this.copyIntoWorkspace()));
  }

  private apply(): void {
    const env = this.features.extension.environmentVariableCollection;
    const enabled = vscode.workspace.getConfiguration().get<boolean>(SETTING, true);
    env.clear();
    // In Restricted Mode the terminal is the user's own business; we do not change what Python imports there.
    if (!enabled || !vscode.workspace.isTrusted) return;
    env.description = 'Puts the Trackside logger on PYTHONPATH so `import trackside` works without installing it.';
    // Prepend with the separator, so an existing PYTHONPATH is kept after ours and an empty one stays valid.
    env.prepend('PYTHONPATH', this.loggerDir.fsPath + path.delimiter);
  }

  private async copyIntoWorkspace(): Promise<void> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (!folders.length) {
      void vscode.window.showInformationMessage('Open a folder first: the logger is copied into it.');
      return;
    }
    const folder = folders.length === 1 ? folders[0] : await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Copy the Trackside logger into which folder?' });
    if (!folder) return;
    const source = vscode.Uri.joinPath(this.loggerDir, 'trackside');
    const target = vscode.Uri.joinPath(folder.uri, 'trackside');
    const exists = await vscode.workspace.fs.stat(target).then(() => true, () => false);
    if (exists) {
      const ok = await vscode.window.showWarningMessage(`${target.fsPath} already exists. Replace it with the logger bundled in this extension?`, { modal: true }, 'Replace');
      if (ok !== 'Replace') return;
    }
    try {
      await vscode.workspace.fs.copy(source, target, { overwrite: true });
    } catch (err) {
      void vscode.window.showErrorMessage(`Could not copy the logger: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    this.features.output.info(`Copied the Trackside logger to ${target.fsPath}.`);
    const open = await vscode.window.showInformationMessage(`Copied the Trackside logger to ${vscode.workspace.asRelativePath(target)}: \`import trackside\` now works from ${folder.name} without installing anything.`, 'Show');
    if (open === 'Show') await vscode.commands.executeCommand('revealInExplorer', target);
  }
}
