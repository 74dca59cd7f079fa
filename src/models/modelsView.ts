// The Models view: what the registry holds under each run root, re-read when a file under `<root>/models` changes.
// File checks (size, sha256) run after the tree is drawn, so a large model never holds up the view.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Commands } from '../core/commands';
import { Disposable } from '../core/lifecycle';
import type { FeatureContext } from '../core/services';
import { models, type RunSummary } from '../store';
import { lineageRows, modelRow, versionRow, type Row } from './present';

export const MODELS_VIEW = 'trackside.models';
const STATE_KEY = 'trackside.models.state';

export type ModelNode =
  | { kind: 'root'; root: string }
  | { kind: 'model'; root: string; name: string }
  /** `runId` makes a version a RunRef, so the run commands (rerun, open, compare) accept it from a menu. */
  | { kind: 'version'; root: string; name: string; version: number; runId: string }
  | { kind: 'lineage'; root: string; name: string; version: number; row: Row; runId?: string };

interface RootModels {
  root: string;
  models: models.ModelInfo[];
}

const statusKey = (root: string, name: string, version: number) => `${root}\u0000${name}\u0000${version}`;

export class ModelsView extends Disposable implements vscode.TreeDataProvider<ModelNode> {
  private readonly emitter = this.register(new vscode.EventEmitter<ModelNode | undefined>());
  readonly onDidChangeTreeData = this.emitter.event;
  readonly tree: vscode.TreeView<ModelNode>;
  private roots: RootModels[] = [];
  private runs = new Map<string, RunSummary>();
  private readonly statuses = new Map<string, models.FileStatus>();
  private readonly digests = new models.DigestCache();
  private readonly watchers = new Map<string, vscode.Disposable>();
  /** Files the versions name: a write to one of them (a checkpoint saved over) changes its status. */
  private watched = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private loading: Promise<void> | undefined;
  private again = false;

  constructor(private readonly features: FeatureContext) {
    super();
    this.tree = this.register(vscode.window.createTreeView(MODELS_VIEW, { treeDataProvider: this, canSelectMany: true, showCollapseAll: true }));
    if (this.tree.visible) this.soon(0);
    this.register(this.tree.onDidChangeVisibility((e) => e.visible && this.soon(0)));
    // A run registered from, deleted or renamed changes lineage rows; new roots need watchers.
    this.register(features.store.onDidChange(() => this.tree.visible && this.soon()));
    this.register({ dispose: () => this.watchers.forEach((w) => w.dispose()) });
    this.register({ dispose: () => this.timer && clearTimeout(this.timer) });
  }

  /** Reloads after a short quiet period: a registration writes several files. */
  soon(ms = 300): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.reload(), ms);
  }

  /** Reads the registry now; resolves once the tree shows it (file checks go on after). */
  reload(): Promise<void> {
    if (this.loading) {
      this.again = true;
      return this.loading;
    }
    this.loading = this.load()
      .catch((err: unknown) => this.features.output.error(`Models view: ${err instanceof Error ? err.message : String(err)}`))
      .finally(() => {
        this.loading = undefined;
        if (this.again) {
          this.again = false;
          void this.reload();
        }
      });
    return this.loading;
  }

  private async load(): Promise<void> {
    const store = await this.features.store.ready();
    const runs = store.listRuns();
    this.runs = new Map(runs.map((r) => [r.id, r]));
    const roots = [...new Set([...runs.map((r) => r.root), ...(vscode.workspace.workspaceFolders ?? []).map((f) => path.join(f.uri.fsPath, '.trackside'))])];
    this.watch(roots);
    const loaded: RootModels[] = [];
    for (const root of roots) {
      const names = await models.listModels(root);
      const infos = await Promise.all(names.map((n) => models.readModel(root, n)));
      for (const info of infos) for (const p of info.problems) this.features.output.warn(`Models: ${p.file}${p.line ? `:${p.line}` : ''}: ${p.reason}`);
      const shown = infos.filter((m) => m.versions.length > 0);
      if (shown.length) loaded.push({ root, models: shown });
    }
    if (this.isDisposed) return;
    this.roots = loaded;
    this.watched = new Set(loaded.flatMap((r) => r.models.flatMap((m) => m.versions.map((v) => path.join(r.root, ...v.file.split('/'))))));
    void vscode.commands.executeCommand('setContext', STATE_KEY, loaded.length ? 'ready' : 'empty');
    this.emitter.fire(undefined);
    void this.checkFiles(loaded);
  }

  private async checkFiles(loaded: RootModels[]): Promise<void> {
    let changed = false;
    for (const { root, models: list } of loaded) {
      for (const m of list) {
        for (const v of m.versions) {
          const status = await models.fileStatus(root, v, this.digests);
          const key = statusKey(root, m.name, v.version);
          const before = this.statuses.get(key);
          if (before?.state !== status.state || before.reason !== status.reason) changed = true;
          this.statuses.set(key, status);
        }
      }
    }
    if (changed && !this.isDisposed) this.emitter.fire(undefined);
  }

  private watch(roots: string[]): void {
    for (const root of roots) {
      if (this.watchers.has(root)) continue;
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(root), 'models/**'));
      const changed = () => this.soon();
      // Registered files in run folders: only events on those files count, not every checkpoint a run writes.
      const files = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(root), 'runs/*/artifacts/**'));
      const named = (uri: vscode.Uri) => this.watched.has(uri.fsPath) && this.soon();
      this.watchers.set(
        root,
        vscode.Disposable.from(watcher, watcher.onDidCreate(changed), watcher.onDidChange(changed), watcher.onDidDelete(changed), files, files.onDidCreate(named), files.onDidChange(named), files.onDidDelete(named)),
      );
    }
  }

  model(root: string, name: string): models.ModelInfo | undefined {
    return this.roots.find((r) => r.root === root)?.models.find((m) => m.name === name);
  }

  get allModels(): models.ModelInfo[] {
    return this.roots.flatMap((r) => r.models);
  }

  status(root: string, name: string, version: number): models.FileStatus | undefined {
    return this.statuses.get(statusKey(root, name, version));
  }

  run(id: string): RunSummary | undefined {
    return this.runs.get(id);
  }

  lineage(v: models.ModelVersionRecord): models.Lineage {
    return models.lineage(v, this.runs);
  }

  versionNode(root: string, name: string, version: number): ModelNode | undefined {
    const v = this.model(root, name)?.versions.find((x) => x.version === version);
    return v ? { kind: 'version', root, name, version, runId: v.run } : undefined;
  }

  getChildren(node?: ModelNode): ModelNode[] {
    if (!node) {
      // One root is the common case: skip the level that would say nothing.
      if (this.roots.length === 1) return this.modelNodes(this.roots[0]!);
      return this.roots.map((r) => ({ kind: 'root', root: r.root }));
    }
    switch (node.kind) {
      case 'root': {
        const r = this.roots.find((x) => x.root === node.root);
        return r ? this.modelNodes(r) : [];
      }
      case 'model':
        return [...(this.model(node.root, node.name)?.versions ?? [])].reverse().map((v) => ({ kind: 'version', root: node.root, name: node.name, version: v.version, runId: v.run }));
      case 'version': {
        const v = this.model(node.root, node.name)?.versions.find((x) => x.version === node.version);
        if (!v) return [];
        return lineageRows(node.root, v, this.lineage(v), this.status(node.root, node.name, node.version)).map((row) => ({ kind: 'lineage', root: node.root, name: node.name, version: node.version, row, runId: row.runId }));
      }
      case 'lineage':
        return [];
    }
  }

  private modelNodes(r: RootModels): ModelNode[] {
    return r.models.map((m) => ({ kind: 'model', root: r.root, name: m.name }));
  }

  getParent(node: ModelNode): ModelNode | undefined {
    switch (node.kind) {
      case 'root':
        return undefined;
      case 'model':
        return this.roots.length === 1 ? undefined : { kind: 'root', root: node.root };
      case 'version':
        return { kind: 'model', root: node.root, name: node.name };
      case 'lineage':
        return this.versionNode(node.root, node.name, node.version);
    }
  }

  getTreeItem(node: ModelNode): vscode.TreeItem {
    const setting = vscode.workspace.getConfiguration('trackside').get('primaryMetric');
    let row: Row;
    switch (node.kind) {
      case 'root':
        row = { id: `root:${node.root}`, label: path.basename(path.dirname(node.root)) || node.root, description: node.root, icon: { id: 'root-folder' }, contextValue: 'modelRoot', collapsible: true };
        break;
      case 'model': {
        const m = this.model(node.root, node.name);
        if (!m) return new vscode.TreeItem(node.name);
        row = modelRow(node.root, m);
        break;
      }
      case 'version': {
        const v = this.model(node.root, node.name)?.versions.find((x) => x.version === node.version);
        if (!v) return new vscode.TreeItem(`v${node.version}`);
        row = versionRow(node.root, v, this.status(node.root, node.name, node.version), setting);
        break;
      }
      case 'lineage':
        row = node.row;
        break;
    }
    const item = new vscode.TreeItem(row.label, row.collapsible ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = row.id;
    item.description = row.description;
    item.contextValue = row.contextValue;
    item.iconPath = new vscode.ThemeIcon(row.icon.id, row.icon.color ? new vscode.ThemeColor(row.icon.color) : undefined);
    if (row.tooltip) {
      const md = new vscode.MarkdownString(row.tooltip, false);
      md.supportHtml = false;
      md.isTrusted = false;
      item.tooltip = md;
    }
    if (node.kind === 'lineage' && node.runId !== undefined && this.runs.has(node.runId)) {
      item.command = { command: Commands.revealModelRun, title: 'Reveal Run', arguments: [node] };
    }
    return item;
  }
}
