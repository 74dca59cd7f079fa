import * as vscode from 'vscode';
import { Disposable } from './core/lifecycle';
import type { FeatureContext } from './core/services';
import { WorkspaceStore } from './workspace/workspaceStore';

/** The root object: owns the output channel, the store service and every feature. */
export class Trackside extends Disposable {
  constructor(extension: vscode.ExtensionContext) {
    super();
    const output = this.register(vscode.window.createOutputChannel('Trackside', { log: true }));
    const store = this.register(new WorkspaceStore(extension, output));
    const features: FeatureContext = { extension, store, output };
    void features;
  }
}
