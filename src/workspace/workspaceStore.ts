import { hostname } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { VIEW_ID } from '../core/commands';
import { Disposable } from '../core/lifecycle';
import type { StoreChange, StoreService } from '../core/services';
import { openStore, setParseWorkerScript, type IndexReport, type RunStore } from '../store';
import { DiagnosticLog } from './diagnosticLog';
import { Debouncer } from './debouncer';
import { LiveRunWatcher } from './liveRuns';
import { NewRunWatcher } from './newRuns';
import { resolveRoots, type RunRoot } from './roots';
import { IMPORT_SETTINGS, scanFolders, sourcesOff } from './importSettings';
import { runIdIn } from './runPath';
import { PendingWork } from './pendingWork';
import { indexOutsideRoots, networkRoots, passingFsError } from './clusterFs';
import { livePlan, pollLiveSetting, tickWanted, type LivePlan, type RunningRun } from './livePlan';
import { LiveTick } from './liveTick';
import { listFromHeaders } from './headerRows';
import { HeaderStore, scanHeadersEarly } from '../store/headers/headerStore';
import { ProvisionalRuns } from '../store/headers/provisionalRuns';

/** File events come in bursts (a metrics line, a heartbeat, an artifact): wait this long for the burst to end… */
const QUIET_MS = 15;
/** …but never longer than this after the first event, so a chatty run still shows up within the 250 ms target. */
const MAX_WAIT_MS = 100;
const PERSIST_AFTER_MS = 5_000;
const POLL_COST_FACTOR = 20;
/** How often the first pass tells the view that more runs are in (the first time as soon as one is). */
const FIRST_PASS_TELL_MS = 400;
/**
 * How long the index's opening waits, once the first rows were told, for the view to fetch them: the view asks over
 * IPC a moment later, and an opening that held the thread first kept told rows off the screen for seconds (issue 18).
 */
const ROWS_SERVED_WAIT_MS = 600;
/** Then this long, so the reply carrying the rows leaves before the opening holds the thread. */
const REPLY_SENT_MS = 20;
/** After a pass failed on a passing file system error (ESTALE, EIO, a vanished file), read again this much later. */
const RETRY_AFTER_MS = 2_000;

/**
 * The extension host's one run store. Nothing happens until a feature asks (`ready()`): then it resolves the run
 * folders, opens the index in workspace storage, indexes with progress in the Runs view, and from then on keeps
 * the index current from file events, with polling as the fallback for file systems that send none.
 */
export class WorkspaceStore extends Disposable implements StoreService {
  private readonly changed = this.register(new vscode.EventEmitter<StoreChange>());
  readonly onDidChange = this.changed.event;
  private readonly diagnostics: DiagnosticLog;
  private readonly indexSoon: Debouncer;
  private readonly persistSoon: Debouncer;
  private readonly liveRuns: LiveRunWatcher;
  private readonly newRuns: NewRunWatcher;
  private opening: Promise<RunStore> | undefined;
  /** Settles when the store is open, before the first pass (see opened()); rejects if opening fails first. */
  private openedEarly: Promise<RunStore> | undefined;
  private store: RunStore | undefined;
  private live: vscode.Disposable[] = [];
  private roots: RunRoot[] = [];
  private running: Promise<void> | undefined;
  private again = false;
  private readonly pending = new PendingWork();
  private lastFullPassMs = 0;
  private liveIds = new Map<string, string>();
  private generation = 0;
  private readonly retrySoon: Debouncer;
  /** The one-second tick: polls running runs on network roots and checks this host's writers (livePlan.ts). */
  private readonly tick: LiveTick;
  private plan: LivePlan = { pollIds: [], liveness: false };
  private runningIds: string[] = [];
  /** Roots on a network file system, with its type (/proc/mounts). */
  private netRoots = new Map<string, string>();
  /** The host a single-process running run's start record names (from getRun, once per run). */
  private readonly runHosts = new Map<string, string | undefined>();
  /** For the first-rows figure (issue 18): the service is made when the extension activates. */
  private readonly activatedAt = Date.now();
  /** The first pass's progress while it runs. */
  private firstPass: StoreChange['indexing'];
  private served!: () => void;
  /** Settles when the Runs view first fetched rows (see rowsServed). */
  private readonly servedRows = new Promise<void>((resolve) => (this.served = resolve));

  constructor(
    private readonly extension: vscode.ExtensionContext,
    private readonly output: vscode.LogOutputChannel,
  ) {
    super();
    this.diagnostics = new DiagnosticLog(output);
    this.indexSoon = this.register(new Debouncer(QUIET_MS, MAX_WAIT_MS, () => void this.indexNow()));
    this.persistSoon = this.register(new Debouncer(PERSIST_AFTER_MS, PERSIST_AFTER_MS * 4, () => void this.persist()));
    this.retrySoon = this.register(new Debouncer(RETRY_AFTER_MS, RETRY_AFTER_MS, () => this.everythingChanged()));
    this.tick = this.register(new LiveTick(() => this.liveTick()));
    // Other tools' runs have ids that are not their folder's name; a folder watched for one knows its run.
    this.liveRuns = this.register(new LiveRunWatcher((dir) => this.runChanged(this.liveIds.get(dir) ?? path.basename(dir))));
    this.newRuns = this.register(new NewRunWatcher((_root, id) => (id === undefined ? this.everythingChanged() : this.runChanged(id))));
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!this.opening) return;
        if (e.affectsConfiguration('trackside.runFolders') || e.affectsConfiguration('trackside.crashAfterSeconds') || IMPORT_SETTINGS.some((s) => e.affectsConfiguration(s))) void this.reopen('run folder settings changed');
        else if (e.affectsConfiguration('trackside.pollInterval')) this.startPolling();
        else if (e.affectsConfiguration('trackside.pollLiveRuns') && this.store) this.track(this.store);
      }),
    );
    this.register(vscode.workspace.onDidChangeWorkspaceFolders(() => this.opening && void this.reopen('workspace folders changed')));
    this.register({ dispose: () => this.shutdown() });
  }

  /** The run folders in use (after `ready()`). */
  get runRoots(): readonly string[] {
    return this.roots.map((r) => r.fsPath);
  }

  ready(): Promise<RunStore> {
    if (this.opening) return this.opening;
    let early!: (store: RunStore) => void;
    const isOpen = new Promise<RunStore>((resolve) => (early = resolve));
    let headerRows!: (store: RunStore) => void;
    const listed = new Promise<RunStore>((resolve) => (headerRows = resolve));
    // What the header store hands on to: the real store once open, or why opening it failed.
    let failed!: (err: unknown) => void;
    const openFailed = new Promise<never>((_, reject) => (failed = reject));
    openFailed.catch(() => undefined);
    const real = Promise.race([isOpen, openFailed]);
    const opening = this.open(this.generation, early, headerRows, () => real);
    opening.catch(failed);
    this.opening = opening;
    this.openedEarly = Promise.race([isOpen, opening, listed]);
    opening.catch((err: unknown) => {
      // Let the next caller try again (say, after the user fixed a setting) instead of caching the failure,
      // unless a newer open has already taken this one's place.
      if (this.opening === opening) {
        this.opening = undefined;
        this.openedEarly = undefined;
      }
      this.output.error(`Could not open the run index: ${err instanceof Error ? err.message : String(err)}`);
    });
    return opening;
  }

  rowsServed(): void {
    this.served();
  }

  opened(): Promise<RunStore> {
    // Once the index is open it answers, even if the first rows came from the headers before it.
    if (this.store) return Promise.resolve(this.store);
    const ready = this.ready();
    return this.openedEarly ?? ready;
  }

  async refresh(): Promise<void> {
    await this.ready();
    this.pending.everything();
    await this.indexNow();
  }

  async refreshRuns(runIds: string[]): Promise<void> {
    await this.ready();
    for (const id of runIds) this.pending.run(id);
    await this.indexNow();
  }

  /**
   * Opens the index and lists the runs from their headers at the same time: the header scan needs only the run
   * folders, so the first rows wait neither for sql.js nor for the persisted index. `onHeaderRows` gets a store
   * over the headers once its first rows are in, `onOpen` the real store once it is open (the same headers in it).
   */
  private async open(generation: number, onOpen: (store: RunStore) => void, onHeaderRows: (store: RunStore) => void, real: () => Promise<RunStore>): Promise<RunStore> {
    const started = Date.now();
    const { roots, globs } = await resolveRoots();
    const crashAfterSeconds = vscode.workspace.getConfiguration('trackside').get<number>('crashAfterSeconds', 120);
    const scanOptions = { roots: roots.map((r) => r.fsPath), sourcesOff: sourcesOff(), crashAfterMs: Math.max(1, crashAfterSeconds) * 1000 };
    const provisional = new ProvisionalRuns();
    let lastTold: StoreChange['indexing'];
    const headers = listFromHeaders(
      (onProgress) => scanHeadersEarly(provisional, scanOptions, onProgress),
      (change) => {
        if (generation !== this.generation) return;
        lastTold = change.indexing;
        this.changed.fire(change);
      },
      () => this.firstPass,
      this.output,
      this.activatedAt,
    );
    let told = false;
    void headers.told.then(() => {
      told = true;
      onHeaderRows(new HeaderStore(provisional, scanOptions, real));
    });
    let store: RunStore;
    try {
      const dbPath = await this.indexPath(roots);
      const net = await networkRoots(scanOptions.roots);
      // The first rows go out before the index opens: compiling sql.js and reading a persisted index hold the
      // extension host's thread for long stretches, and the view's request for its rows would wait behind them.
      // At most FIRST_ROWS_WAIT_MS (headerRows.ts) after the scan started; once rows were told, until the view
      // fetched them (at most ROWS_SERVED_WAIT_MS); then a moment, so they are sent first.
      await headers.first;
      if (told) {
        const toldAt = Date.now();
        const served = await waitAtMost(this.servedRows, ROWS_SERVED_WAIT_MS);
        this.output.info(served ? `The Runs view fetched its first rows ${Date.now() - toldAt} ms after they were told.` : `The Runs view did not fetch its first rows within ${ROWS_SERVED_WAIT_MS} ms; opening the index.`);
      }
      // A timer, not setImmediate: the extension host writes its replies to VS Code from a timer of its own.
      await new Promise((resolve) => setTimeout(resolve, REPLY_SENT_MS));
      // The first index of a large workspace parses on a worker thread; the CLI bundle serves those jobs.
      setParseWorkerScript(vscode.Uri.joinPath(this.extension.extensionUri, 'dist', 'cli.js').fsPath);
      store = await openStore({
        ...scanOptions,
        scanFolders: scanFolders(),
        dbPath,
        wasmPath: vscode.Uri.joinPath(this.extension.extensionUri, 'dist', 'sql-wasm.wasm').fsPath,
        provisional,
      });
      if (generation !== this.generation || this.isDisposed) {
        await store.close();
        throw new Error('The run index was reopened while opening.');
      }
      this.store = store;
      this.roots = roots;
      this.netRoots = net;
      for (const [root, type] of net) this.output.info(`Run folder ${root} is on a network file system (${type}): running runs are read every second, since its change events miss other hosts' writes.`);
      this.output.info(`Run folders: ${roots.map((r) => r.fsPath).join(', ') || '(none)'}; index: ${dbPath ?? 'in memory (no workspace storage)'}.`);
    } catch (err) {
      // No store takes these headers: stop reading them.
      provisional.close();
      throw err;
    }
    // The Runs view shows what the persisted index holds now, and the runs this pass adds as they come; rows
    // listed from headers the index holds are redrawn from it.
    onOpen(store);
    this.changed.fire({ changedRuns: store.settledRuns?.() ?? [], removedRuns: [], indexing: this.firstPass ?? lastTold });
    // Runs the index does not hold yet are listed from their log headers first, then read in full by the pass.
    await headers.first;
    const report = await this.firstIndex(store).catch(async (err: unknown) => {
      if (this.store === store) this.store = undefined;
      await store.close().catch(() => undefined);
      throw err;
    });
    // Watches first: starting them stops the live ones, which afterIndex then sets for the runs running now
    // (the other way round, a run already running waited for the next poll before its lines were seen).
    this.watch(roots, globs);
    this.afterIndex(report);
    this.output.info(`Indexed ${report.runs} runs (${report.points} new points) in ${report.ms} ms; ready after ${Date.now() - started} ms.`);
    return store;
  }

  private async firstIndex(store: RunStore): Promise<IndexReport> {
    return await vscode.window.withProgress(
      { location: { viewId: VIEW_ID }, title: 'Indexing runs' },
      (progress) => {
        let last = 0;
        let toldAt = 0;
        return store.index(undefined, (done, total) => {
          const pct = total ? (done / total) * 100 : 0;
          progress.report({ increment: pct - last, message: `${done} of ${total} runs` });
          last = pct;
          // Runs indexed so far reach the view a few times a second, not per run: each rebuild lists them all.
          const now = Date.now();
          if (done > 0 && done < total && now - toldAt >= FIRST_PASS_TELL_MS) {
            toldAt = now;
            this.firstPass = { done, total };
            // Rows first listed from their headers are redrawn once the pass has read them.
            this.changed.fire({ changedRuns: store.settledRuns?.() ?? [], removedRuns: [], indexing: { done, total } });
          }
        });
      },
    );
  }

  /**
   * The index lives in this workspace's extension storage, on the machine the extension host runs on, never in a
   * run folder: a run folder may be shared by many hosts, and the index is each window's own cache.
   */
  private async indexPath(roots: readonly RunRoot[]): Promise<string | undefined> {
    const dir = this.extension.storageUri;
    if (!dir || dir.scheme !== 'file') return undefined;
    const dbPath = path.join(dir.fsPath, 'runs-index.sqlite');
    if (!indexOutsideRoots(dbPath, roots.map((r) => r.fsPath))) {
      this.output.warn(`The extension storage ${dir.fsPath} is inside a run folder; the run index is kept in memory instead.`);
      return undefined;
    }
    await vscode.workspace.fs.createDirectory(dir);
    return dbPath;
  }

  private watch(roots: RunRoot[], globs: vscode.RelativePattern[]): void {
    this.stopLive();
    this.newRuns.watch(roots.map((r) => r.fsPath));
    for (const root of roots) {
      const watcher = vscode.workspace.createFileSystemWatcher(root.watch);
      const poke = (uri: vscode.Uri): void => {
        const id = runIdIn(root.fsPath, uri.fsPath);
        if (id === undefined) this.everythingChanged();
        else this.runChanged(id);
      };
      this.live.push(watcher, watcher.onDidCreate(poke), watcher.onDidChange(poke), watcher.onDidDelete(() => this.everythingChanged()));
    }
    // A new folder matching a glob in `trackside.runFolders` is a new root: resolve the roots again.
    for (const glob of globs) {
      const watcher = vscode.workspace.createFileSystemWatcher(glob, false, true, true);
      this.live.push(
        watcher,
        watcher.onDidCreate((uri) => {
          const root = path.dirname(path.dirname(path.dirname(uri.fsPath)));
          if (!this.roots.some((r) => r.fsPath === root)) void this.reopen(`new run folder ${root}`);
        }),
      );
    }
    this.startPolling();
  }

  private startPolling(): void {
    this.poller?.dispose();
    this.poller = undefined;
    const seconds = vscode.workspace.getConfiguration('trackside').get<number>('pollInterval', 5);
    if (!(seconds > 0) || !this.store) return;
    let timer: NodeJS.Timeout | undefined;
    const schedule = (): void => {
      // A full pass stats every run's files on the extension host; with many runs, poll less often so
      // polling never takes more than about 5% of the host's time.
      const delay = Math.max(Math.max(0.25, seconds) * 1000, this.lastFullPassMs * POLL_COST_FACTOR);
      timer = setTimeout(() => {
        this.everythingChanged();
        schedule();
      }, delay);
    };
    schedule();
    this.poller = { dispose: () => clearTimeout(timer) };
  }

  private poller: vscode.Disposable | undefined;

  private runChanged(id: string): void {
    this.pending.run(id);
    this.indexSoon.trigger();
  }

  private everythingChanged(): void {
    this.pending.everything();
    this.indexSoon.trigger();
  }

  /** One index pass at a time; a request during a pass runs one more pass right after it. */
  private indexNow(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    const store = this.store;
    if (!store) return Promise.resolve();
    this.running = (async () => {
      try {
        do {
          this.again = false;
          const work = this.pending.take();
          if (work === undefined) continue;
          const report = work !== 'all' && store.indexRuns ? await store.indexRuns(work) : await store.index();
          if (work === 'all') this.lastFullPassMs = report.ms;
          if (store !== this.store) return;
          this.afterIndex(report);
        } while (this.again && store === this.store);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        const passing = passingFsError(err);
        if (passing) {
          // A stale NFS handle, an I/O hiccup or a file another host removed mid-pass: a diagnostic, and the
          // whole pass again shortly, not a failure.
          this.pending.everything();
          this.retrySoon.trigger();
          this.diagnostics.add([{ file: passing.path ?? this.runRoots.join(', '), reason: `${passing.code} while indexing (${message}); read again shortly` }]);
        } else {
          this.output.error(`Indexing failed: ${message}`);
        }
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  private afterIndex(report: IndexReport): void {
    this.diagnostics.add(report.diagnostics);
    if (this.store) this.track(this.store);
    if (report.changedRuns.length || report.removedRuns.length) {
      this.persistSoon.trigger();
      this.changed.fire({ changedRuns: report.changedRuns, removedRuns: report.removedRuns });
    }
  }

  /** Follows the running runs: direct watches on their folders, and what the one-second tick does for them. */
  private track(store: RunStore): void {
    const running = store.listRuns({ status: ['running'] });
    const ids = new Map<string, string>();
    for (const r of running) {
      ids.set(r.dir, r.id);
      // MLflow appends to one file per metric under metrics/ (keys with `/` in subfolders), which a watch on
      // the run folder does not see.
      if (r.source === 'mlflow') {
        ids.set(path.join(r.dir, 'metrics'), r.id);
        for (const key of Object.keys(r.metrics)) if (key.includes('/')) ids.set(path.join(r.dir, 'metrics', path.dirname(key)), r.id);
      }
    }
    this.liveIds = ids;
    this.liveRuns.track([...ids.keys()]);
    this.runningIds = running.map((r) => r.id);
    const live: RunningRun[] = running.map((r) => ({ id: r.id, root: r.root, hosts: r.ranks?.length ? r.ranks.map((k) => k.host) : this.hostOf(store, r.id) }));
    for (const id of this.runHosts.keys()) if (!this.runningIds.includes(id)) this.runHosts.delete(id);
    this.plan = livePlan(live, {
      setting: pollLiveSetting(vscode.workspace.getConfiguration('trackside').get('pollLiveRuns')),
      networkRoots: new Set(this.netRoots.keys()),
      hostname: hostname(),
      canCheckLiveness: store.checkLiveness !== undefined,
    });
    this.tick.set(tickWanted(this.plan));
  }

  private hostOf(store: RunStore, id: string): string[] {
    if (!this.runHosts.has(id)) {
      const host = store.getRun(id)?.env.hostname;
      this.runHosts.set(id, typeof host === 'string' ? host : undefined);
    }
    const host = this.runHosts.get(id);
    return host === undefined ? [] : [host];
  }

  /** Every second while wanted: re-read running runs the OS does not report on, and check this host's writers. */
  private async liveTick(): Promise<void> {
    const store = this.store;
    if (!store) return;
    if (this.plan.pollIds.length) {
      for (const id of this.plan.pollIds) this.pending.run(id);
      this.indexSoon.trigger();
    }
    if (this.plan.liveness && store.checkLiveness) {
      const before = this.runningIds;
      let changed: boolean;
      try {
        changed = await store.checkLiveness();
      } catch (err) {
        this.output.warn(`Could not check whether running runs' processes are alive: ${err instanceof Error ? err.message : String(err)}`);
        return;
      }
      if (!changed || store !== this.store) return;
      const still = new Set(store.listRuns({ status: ['running'] }).map((r) => r.id));
      const changedRuns = before.filter((id) => !still.has(id));
      this.track(store);
      this.persistSoon.trigger();
      this.changed.fire({ changedRuns, removedRuns: [] });
    }
  }

  private async persist(): Promise<void> {
    try {
      await this.store?.persist();
    } catch (err) {
      this.output.warn(`Could not save the run index (it will be rebuilt next time): ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private async reopen(why: string): Promise<void> {
    this.output.info(`Reopening the run index: ${why}.`);
    this.generation++;
    const old = this.store;
    this.store = undefined;
    this.opening = undefined;
    this.openedEarly = undefined;
    this.stopLive();
    await this.running?.catch(() => undefined);
    if (old) {
      await old.persist().catch(() => undefined);
      await old.close().catch(() => undefined);
    }
    this.diagnostics.clear();
    await this.ready().catch(() => undefined);
    this.changed.fire({ changedRuns: [], removedRuns: [] });
  }

  private stopLive(): void {
    this.liveRuns.track([]);
    this.newRuns.dispose();
    this.tick.set(false);
    this.poller?.dispose();
    this.poller = undefined;
    for (const d of this.live.splice(0)) d.dispose();
  }

  private shutdown(): void {
    this.generation++;
    this.stopLive();
    const store = this.store;
    this.store = undefined;
    // Deactivation does not wait for promises; persisting is best-effort, and the index is rebuilt if it is lost.
    if (store) void store.persist().catch(() => undefined).finally(() => store.close().catch(() => undefined));
  }
}

/** Whether `promise` settled within `ms` (true) or the time ran out first (false). */
function waitAtMost(promise: Promise<void>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  return Promise.race([promise.then(() => true), late]).finally(() => clearTimeout(timer));
}
