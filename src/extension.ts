import './core/loadClock';
import type * as vscode from 'vscode';
import { Trackside } from './trackside';

export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(new Trackside(context));
}
