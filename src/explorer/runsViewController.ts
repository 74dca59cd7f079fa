import * as vscode from 'vscode';
import { Disposable } from '../core/lifecycle';
import type { FeatureContext } from '../core/services';
import type { RunStore } from '../store/types';
import { RunningStatusBar } from './status/runningStatusBar';
import { VIEW_ID } from '../core/commands';
import { ContextKeys } from './contributions';
import { describeView } from './description';
import { LiveTicker } from './liveTicker';
import type { ExplorerRun } from './model/run';
import type { SortSpec } from './model/sort';
import { buildView } from './model/view';
import type { Node } from './model/nodes';
import { RebuildScheduler } from './rebuildScheduler';
import { RunsTreeProvider } from './runsTree';
import { ViewState } from './viewState';

/** The Runs view: its tree, its remembered filter and sort, and when it reads the store. */
export class RunsViewController extends Disposable {
  private readonly provider: RunsTreeProvider;
  private readonly tree: vscode.TreeView<Node>;
  readonly state: ViewState;
  private readonly statusBar = this.register(new RunningStatusBar(`${VIEW_ID}.focus`));
  private readonly ticker = this.register(new LiveTicker((now) => this.provider.tick(now), () => void this.rebuild([])));
  private readonly scheduler = this.register(new RebuildScheduler((changed) => void this.rebuild(changed)));
  /** Set once the runs were first read; the store itself is always asked for anew (see `rebuild`). */
  private loaded = false;
  private listed: ExplorerRun[] = [];
  private loading: Promise<void> | undefined;
  /** Set while the store's first pass runs: the rows are those read so far. */
  private indexing: { done: number; total: number } | undefined;
  private firstPassDone = false;

  constructor(private readonly features: FeatureContext) {
    super();
    this.provider = this.register(new RunsTreeProvider(features.groups));
    this.provider.onServedRows = () => features.store.rowsServed();
    this.register(features.groups.onDidChange(() => this.provider.refreshGroups()));
    this.state = new ViewState(features.extension.workspaceState);
    this.tree = this.register(vscode.window.createTreeView(VIEW_ID, { treeDataProvider: this.provider, canSelectMany: true, showCollapseAll: true }));
    this.setContext(ContextKeys.state, 'idle');
    this.setContext(ContextKeys.filtered, this.state.filter !== '');
    this.setContext(ContextKeys.showArchived, this.showArchived);
    describeView(this.tree, this.state, this.provider.current);

    // Nothing is read until the view is shown or a command needs the runs.
    if (this.tree.visible) void this.ensureLoaded();
    this.register(this.tree.onDidChangeVisibility((e) => {
      if (e.visible) {
        void this.ensureLoaded();
        this.tickWhileLive();
      } else {
        this.ticker.stop();
      }
    }));
    this.register(features.store.onDidChange((change) => {
      this.indexing = change.indexing;
      if (this.loaded) this.scheduler.soon([...change.changedRuns, ...change.removedRuns]);
    }));
    this.register(vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('trackside.primaryMetric') || e.affectsConfiguration('trackside.showArchived')) {
        this.setContext(ContextKeys.showArchived, this.showArchived);
        void this.rebuild();
      }
    }));
  }

  /** Every run read at the last rebuild, shown or not. */
  get runs(): readonly ExplorerRun[] {
    return this.listed;
  }

  /** A run in the view as last built, by id. */
  run(id: string): ExplorerRun | undefined {
    return this.provider.current?.byId.get(id);
  }

  get selection(): readonly Node[] {
    return this.tree.selection;
  }

  private get showArchived(): boolean {
    return this.state.showArchived ?? vscode.workspace.getConfiguration('trackside').get<boolean>('showArchived', false);
  }

  ensureLoaded(): Promise<void> {
    this.loading ??= (async () => {
      this.setContext(ContextKeys.state, 'loading');
      try {
        // Rows as soon as the index is open (the persisted runs, then those the first pass reads), not after it.
        await this.features.store.opened();
        this.loaded = true;
        await this.rebuild();
        void this.features.store.ready().then(
          () => {
            this.indexing = undefined;
            this.firstPassDone = true;
            // No row is redrawn unless the runs changed shape: the pass's own change event refreshed what it read.
            return this.rebuild([]);
          },
          () => undefined,
        );
      } catch (err) {
        this.loading = undefined;
        this.showLoadError(err);
      }
    })();
    return this.loading;
  }

  private showLoadError(err: unknown): void {
    this.setContext(ContextKeys.state, 'error');
    this.tree.message = `Could not read runs: ${err instanceof Error ? err.message : String(err)}. See the Trackside output for details.`;
  }

  /**
   * Rebuilds the view from the store; `changedRuns` allows refreshing just those rows when nothing else moved.
   * The store comes from `opened()` every time: while the service reopens the index (run folder settings
   * changed), the store it had is closed, and `opened()` waits for the new one.
   */
  async rebuild(changedRuns?: readonly string[]): Promise<void> {
    if (!this.loaded) return;
    let store: RunStore;
    try {
      store = await this.features.store.opened();
    } catch (err) {
      this.showLoadError(err);
      return;
    }
    if (this.isDisposed) return;
    const started = performance.now();
    this.listed = store.listRuns();
    const now = Date.now();
    const view = buildView(this.listed, {
      filter: this.state.filter,
      sort: this.state.sort,
      showArchived: this.showArchived,
      primarySetting: vscode.workspace.getConfiguration('trackside').get('primaryMetric'),
      now,
    });
    this.provider.now = now;
    this.provider.update(view, store, changedRuns);
    const ms = performance.now() - started;
    this.scheduler.took(ms);
    if (ms > 100) this.features.output.debug(`Runs view rebuilt in ${ms.toFixed(0)} ms for ${this.listed.length} runs.`);
    // No runs yet while the first pass runs is not an empty workspace: keep the loading state, not the welcome.
    this.setContext(ContextKeys.state, this.listed.length ? 'ready' : this.firstPassDone ? 'empty' : 'loading');
    describeView(this.tree, this.state, this.provider.current, this.indexing);
    const running = this.listed.filter((r) => r.status === 'running');
    this.statusBar.update(running.length, running.map((r) => r.name));
    this.tickWhileLive();
  }

  /** Shows the view filtered while the filter is being typed, without remembering it. */
  previewFilter(filter: string): void {
    this.state.filter = filter;
    void this.rebuild();
  }

  async setFilter(filter: string): Promise<void> {
    this.state.filter = filter;
    await this.state.save();
    this.setContext(ContextKeys.filtered, filter !== '');
    await this.rebuild();
    describeView(this.tree, this.state, this.provider.current);
  }

  async setSort(sort: SortSpec): Promise<void> {
    this.state.sort = sort;
    await this.state.save();
    await this.rebuild();
  }

  async setShowArchived(show: boolean): Promise<void> {
    this.state.showArchived = show;
    await this.state.save();
    this.setContext(ContextKeys.showArchived, show);
    await this.rebuild();
    describeView(this.tree, this.state, this.provider.current);
  }

  private tickWhileLive(): void {
    this.ticker.runWhile(this.tree.visible && this.listed.some((r) => r.status === 'running'));
  }

  private setContext(key: string, value: unknown): void {
    void vscode.commands.executeCommand('setContext', key, value);
  }
}
