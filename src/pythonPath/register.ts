import * as vscode from 'vscode';
import { Commands } from '../core/commands';
import { registerCommand } from '../core/registerCommand';
import type { FeatureContext } from '../core/services';
import { copyLoggerIntoWorkspace } from './copyLogger';
import { LoggerOnPythonPath } from './loggerOnPath';

/** The bundled logger, importable without installing it: on the terminals' PYTHONPATH, or copied in. */
export function registerPythonPath(features: FeatureContext): vscode.Disposable {
  const loggerDir = vscode.Uri.joinPath(features.extension.extensionUri, 'logger');
  return vscode.Disposable.from(
    registerCommand(Commands.copyLoggerToWorkspace, () => copyLoggerIntoWorkspace(loggerDir, features.output), features.output),
    new LoggerOnPythonPath(features.extension.environmentVariableCollection, loggerDir),
  );
}
