import * as vscode from 'vscode';
import { Disposable } from '../core/lifecycle';
import { plainText } from '../core/text';
import type { FeatureContext } from '../core/services';
import type { RunStore } from '../store/types';
import { RunningStatusBar } from '../status/runningStatusBar';
import { DOCS_PATH, RunActions } from './actions';
import { Commands } from '../core/commands';
import { ContextKeys, VIEW_ID } from './commands';
import { askForFilter } from './filterInput';
import type { ExplorerRun } from './model/run';
import { describeSort, DEFAULT_SORT } from './model/sort';
import { buildView } from './model/view';
import type { Node } from './model/nodes';
import { RunsTreeProvider } from './runsTree';
import { askForSort } from './sortPicker';
import { ViewState } from './viewState';

export function registerExplorer(features: FeatureContext): vscode.Disposable {
  return new Explorer(features);
}

/** While runs are live, elapsed times tick every second and statuses are re-read (to notice crashes) every few. */
const TICK_MS = 1000;
const RELIST_EVERY_TICKS = 5;

class Explorer extends Disposable {
  private readonly provider = this.register(new RunsTreeProvider());
  private readonly tree: vscode.TreeView<Node>;
  private readonly state: ViewState;
  private readonly statusBar = this.register(new RunningStatusBar(`${VIEW_ID}.focus`));
  private readonly actions: RunActions;
  /** Set once the runs were first read; the store itself is always asked for anew (see `rebuild`). */
  private loaded = false;
  private runs: ExplorerRun[] = [];
  private loading: Promise<void> | undefined;
  private ticker: NodeJS.Timeout | undefined;
  private ticks = 0;
  private lastRebuildMs = 0;
  private lastRebuildAt = 0;
  private pending: { changed: Set<string>; timer: NodeJS.Timeout } | undefined;

  constructor(private readonly features: FeatureContext) {
    super();
    this.state = new ViewState(features.extension.workspaceState);
    this.tree = this.register(vscode.window.createTreeView(VIEW_ID, { treeDataProvider: this.provider, canSelectMany: true, showCollapseAll: true }));
    this.actions = new RunActions({
      store: features.store,
      output: features.output,
      run: (id) => this.provider.current?.byId.get(id),
      all: () => this.runs,
      ensureLoaded: () => this.ensureLoaded(),
    });
    this.register({ dispose: () => {
      this.stopTicking();
      if (this.pending) clearTimeout(this.pending.timer);
    } });
    this.setContext(ContextKeys.state, 'idle');
    this.setContext(ContextKeys.filtered, this.state.filter !== '');
    this.setContext(ContextKeys.showArchived, this.showArchived);
    this.describe();

    // Nothing is read until the view is shown or a command needs the runs.
    if (this.tree.visible) void this.ensureLoaded();
    this.register(this.tree.onDidChangeVisibility((e) => {
      if (e.visible) {
        void this.ensureLoaded();
        this.startTickingIfLive();
      } else {
        this.stopTicking();
      }
    }));
    this.register(features.store.onDidChange((change) => {
      if (this.loaded) this.rebuildSoon([...change.changedRuns, ...change.removedRuns]);
    }));
    this.register(vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('trackside.primaryMetric') || e.affectsConfiguration('trackside.showArchived')) {
        this.setContext(ContextKeys.showArchived, this.showArchived);
        void this.rebuild();
      }
    }));
    this.registerCommands();
  }

  private get showArchived(): boolean {
    return this.state.showArchived ?? vscode.workspace.getConfiguration('trackside').get<boolean>('showArchived', false);
  }

  ensureLoaded(): Promise<void> {
    this.loading ??= (async () => {
      this.setContext(ContextKeys.state, 'loading');
      try {
        await this.features.store.ready();
        this.loaded = true;
        await this.rebuild();
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
   * Rebuilds after a store change, at once when rebuilding is cheap; with many runs, at most one rebuild per
   * four rebuild-durations, so a chatty live run cannot keep the extension host busy.
   */
  private rebuildSoon(changed: readonly string[]): void {
    if (this.pending) {
      for (const id of changed) this.pending.changed.add(id);
      return;
    }
    const wait = Math.max(0, this.lastRebuildAt + this.lastRebuildMs * 4 - performance.now());
    if (wait < 1) {
      void this.rebuild(changed);
      return;
    }
    const pending = { changed: new Set(changed), timer: setTimeout(() => {
      this.pending = undefined;
      void this.rebuild([...pending.changed]);
    }, wait) };
    this.pending = pending;
  }

  /**
   * Rebuilds the view from the store; `changedRuns` allows refreshing just those rows when nothing else moved.
   * The store comes from `ready()` every time: while the service reopens the index (run folder settings
   * changed), the store it had is closed, and `ready()` waits for the new one.
   */
  private async rebuild(changedRuns?: readonly string[]): Promise<void> {
    if (!this.loaded) return;
    let store: RunStore;
    try {
      store = await this.features.store.ready();
    } catch (err) {
      this.showLoadError(err);
      return;
    }
    if (this.isDisposed) return;
    const started = performance.now();
    this.runs = store.listRuns();
    const now = Date.now();
    const view = buildView(this.runs, {
      filter: this.state.filter,
      sort: this.state.sort,
      showArchived: this.showArchived,
      primarySetting: vscode.workspace.getConfiguration('trackside').get('primaryMetric'),
      now,
    });
    this.provider.now = now;
    this.provider.update(view, store, changedRuns);
    const ms = performance.now() - started;
    this.lastRebuildMs = ms;
    this.lastRebuildAt = performance.now();
    if (ms > 100) this.features.output.debug(`Runs view rebuilt in ${ms.toFixed(0)} ms for ${this.runs.length} runs.`);
    this.setContext(ContextKeys.state, this.runs.length ? 'ready' : 'empty');
    this.describe();
    const running = this.runs.filter((r) => r.status === 'running');
    this.statusBar.update(running.length, running.map((r) => r.name));
    this.startTickingIfLive();
  }

  /**
   * The filter, sort and counts go in the view's description, and also in a one-line message above the rows:
   * when Runs is the only view in its container VS Code merges the headers and hides the description.
   */
  private describe(): void {
    const view = this.provider.current;
    const filter = this.state.filter.length > 80 ? `${this.state.filter.slice(0, 79)}…` : this.state.filter;
    const sort = this.state.sort;
    const customSort = sort.key.kind !== DEFAULT_SORT.key.kind || sort.descending !== DEFAULT_SORT.descending;
    const counts = view && (filter || view.archivedHidden) ? `${view.shown} of ${view.total}` : undefined;
    this.tree.description = [filter, customSort ? describeSort(sort) : undefined, counts].filter(Boolean).join(' · ') || undefined;
    if (!view) return;
    if (view.filterError) this.tree.message = `Filter problem: ${view.filterError}`;
    else if (view.total > 0 && view.shown === 0) {
      this.tree.message = filter
        ? `No runs match “${filter}”. Clear the filter with the title bar button.`
        : `All ${view.archivedHidden} runs are archived. Show archived runs from the title bar.`;
    } else {
      const parts = [filter ? `Filter: ${filter} (${view.shown} of ${view.total} runs)` : undefined, customSort ? `Sorted by ${describeSort(sort)}` : undefined];
      this.tree.message = parts.filter(Boolean).join(' · ') || undefined;
    }
  }

  private startTickingIfLive(): void {
    const live = this.runs.some((r) => r.status === 'running');
    if (!live || !this.tree.visible) {
      this.stopTicking();
      return;
    }
    this.ticker ??= setInterval(() => {
      if (++this.ticks % RELIST_EVERY_TICKS === 0) void this.rebuild([]);
      else this.provider.tick(Date.now());
    }, TICK_MS);
  }

  private stopTicking(): void {
    if (this.ticker) clearInterval(this.ticker);
    this.ticker = undefined;
  }

  private setContext(key: string, value: unknown): void {
    void vscode.commands.executeCommand('setContext', key, value);
  }

  private async setFilter(filter: string): Promise<void> {
    this.state.filter = filter;
    await this.state.save();
    this.setContext(ContextKeys.filtered, filter !== '');
    await this.rebuild();
    this.describe();
  }

  private registerCommands(): void {
    const a = this.actions;
    // From a view menu VS Code passes (clicked node, selected nodes); from the palette, nothing: use the selection.
    const withSelection = (fn: (arg: unknown, selection: unknown) => Promise<void>) => (arg?: unknown, selection?: unknown) =>
      fn(arg, selection ?? (arg === undefined ? [...this.tree.selection] : undefined));
    const commands: Record<string, (...args: never[]) => unknown> = {
      [Commands.refresh]: async () => {
        await this.ensureLoaded();
        await this.features.store.refresh();
        await this.rebuild();
      },
      [Commands.filter]: async () => {
        await this.ensureLoaded();
        const before = this.state.filter;
        const result = await askForFilter(before, (preview) => {
          this.state.filter = preview;
          void this.rebuild();
        });
        await this.setFilter(result ?? before);
      },
      [Commands.clearFilter]: () => this.setFilter(''),
      [Commands.sort]: async () => {
        await this.ensureLoaded();
        const metricKeys = (await this.features.store.ready()).metricKeys();
        const paramKeys = [...new Set(this.runs.flatMap((r) => Object.keys(r.params)))].sort();
        const spec = await askForSort(this.state.sort, metricKeys, paramKeys);
        if (!spec) return;
        this.state.sort = spec;
        await this.state.save();
        await this.rebuild();
      },
      [Commands.showArchived]: () => this.toggleArchived(true),
      [Commands.hideArchived]: () => this.toggleArchived(false),
      [Commands.compareSelected]: withSelection((x, s) => a.compareSelected(x, s)),
      [Commands.copyRunId]: withSelection((x, s) => a.copyRunId(x, s)),
      [Commands.copyValue]: (arg: unknown) => a.copyValue(arg),
      [Commands.revealRunFolder]: withSelection((x, s) => a.revealFolder(x, s)),
      [Commands.star]: withSelection((x, s) => a.star(x, s, true)),
      [Commands.unstar]: withSelection((x, s) => a.star(x, s, false)),
      [Commands.rename]: withSelection((x, s) => a.rename(x, s)),
      [Commands.editTags]: withSelection((x, s) => a.editTags(x, s)),
      [Commands.editNotes]: withSelection((x, s) => a.editNotes(x, s)),
      [Commands.archive]: withSelection((x, s) => a.archive(x, s, true)),
      [Commands.unarchive]: withSelection((x, s) => a.archive(x, s, false)),
      [Commands.delete]: withSelection((x, s) => a.delete(x, s)),
      [Commands.openArtifact]: (root: unknown, relative: unknown) => a.openArtifact(root, relative),
      [Commands.copyQuickstart]: () => a.copyQuickstart(),
      // The guide ships inside the extension: it opens offline, and always matches the installed version.
      [Commands.openDocs]: async () => {
        const root = this.features.extension.extensionUri;
        const guide = vscode.Uri.joinPath(root, DOCS_PATH);
        const exists = await vscode.workspace.fs.stat(guide).then(() => true, () => false);
        await vscode.commands.executeCommand('markdown.showPreview', exists ? guide : vscode.Uri.joinPath(root, 'README.md'));
      },
      [Commands.showOutput]: () => this.features.output.show(true),
    };
    for (const [id, fn] of Object.entries(commands)) {
      this.register(vscode.commands.registerCommand(id, async (...args: unknown[]) => {
        try {
          await (fn as (...a: unknown[]) => unknown)(...args);
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          this.features.output.error(`${id} failed: ${message}`);
          // Errors often quote log text (names, paths), and this notification renders Markdown links.
          void vscode.window.showErrorMessage(`Trackside: ${plainText(message, 300)}`);
        }
      }));
    }
  }

  private async toggleArchived(show: boolean): Promise<void> {
    this.state.showArchived = show;
    await this.state.save();
    this.setContext(ContextKeys.showArchived, show);
    await this.rebuild();
    this.describe();
  }
}
