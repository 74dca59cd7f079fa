import * as vscode from 'vscode';
import { Disposable } from '../core/lifecycle';
import type { StoreChange, StoreService } from '../core/services';
import { openStore, type RunStore } from '../store';

/** Placeholder store service: opens the store over the workspace's `.trackside` folders on first use. */
export class WorkspaceStore extends Disposable implements StoreService {
  private readonly changed = this.register(new vscode.EventEmitter<StoreChange>());
  readonly onDidChange = this.changed.event;
  private opening: Promise<RunStore> | undefined;

  constructor(
    private readonly extension: vscode.ExtensionContext,
    private readonly output: vscode.LogOutputChannel,
  ) {
    super();
  }

  ready(): Promise<RunStore> {
    this.opening ??= this.open();
    return this.opening;
  }

  async refresh(): Promise<void> {
    const store = await this.ready();
    const report = await store.index();
    this.changed.fire({ changedRuns: report.changedRuns, removedRuns: report.removedRuns });
  }

  private async open(): Promise<RunStore> {
    const roots = (vscode.workspace.workspaceFolders ?? []).map((f) => vscode.Uri.joinPath(f.uri, '.trackside').fsPath);
    const store = await openStore({
      roots,
      wasmPath: vscode.Uri.joinPath(this.extension.extensionUri, 'dist', 'sql-wasm.wasm').fsPath,
    });
    const report = await store.index();
    this.output.info(`Indexed ${report.runs} runs in ${report.ms} ms.`);
    return store;
  }
}
