// Zero-install logger: integrated terminals get the bundled `trackside` package on PYTHONPATH, so
// `import trackside` works without pip.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Disposable } from '../core/lifecycle';

const SETTING = 'trackside.logger.addToPythonPath';

/** Keeps the terminals' PYTHONPATH in step with the setting and with workspace trust. */
export class LoggerOnPythonPath extends Disposable {
  constructor(
    private readonly env: vscode.GlobalEnvironmentVariableCollection,
    private readonly loggerDir: vscode.Uri,
  ) {
    super();
    this.apply();
    this.register(vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(SETTING) && this.apply()));
    this.register(vscode.workspace.onDidGrantWorkspaceTrust(() => this.apply()));
  }

  private apply(): void {
    const enabled = vscode.workspace.getConfiguration().get<boolean>(SETTING, true);
    this.env.clear();
    // In Restricted Mode the terminal is the user's own business; we do not change what Python imports there.
    if (!enabled || !vscode.workspace.isTrusted) return;
    this.env.description = 'Puts the Trackside logger on PYTHONPATH so `import trackside` works without installing it.';
    // Prepend with the separator, so an existing PYTHONPATH is kept after ours and an empty one stays valid.
    this.env.prepend('PYTHONPATH', this.loggerDir.fsPath + path.delimiter);
  }
}
