import type * as vscode from 'vscode';
import type { RunStore } from '../store/types';
import type { RunGroupDecorators } from './runGroups';

/** Why the index changed: runs whose logs changed or disappeared since the last event. */
export interface StoreChange {
  changedRuns: string[];
  removedRuns: string[];
  /** Set while the first pass runs: runs indexed so far (their ids are not listed; rebuild from the store). */
  indexing?: { done: number; total: number };
}

/** The extension host's one run store: opened lazily, kept up to date by watching the run folders. */
export interface StoreService extends vscode.Disposable {
  /** Opens (and the first time, indexes) the store; later calls return the same promise. */
  ready(): Promise<RunStore>;
  /**
   * The store as soon as it is open, before its first pass ends: it lists the runs of the persisted index and
   * those indexed so far, and `onDidChange` says (with `indexing`) as more come. For the Runs view's first rows;
   * anything that needs every run (a restored panel, a rerun) waits for `ready()`.
   */
  opened(): Promise<RunStore>;
  /** Indexes now, for the refresh command. */
  refresh(): Promise<void>;
  /** Indexes these runs now (a pass over just them: new, changed or gone), for changes made by a command. */
  refreshRuns(runIds: string[]): Promise<void>;
  readonly onDidChange: vscode.Event<StoreChange>;
  /**
   * The Runs view handed its first rows to VS Code. Opening the index holds the extension host's thread for long
   * stretches; until the view has fetched the rows it was told of (or briefly, if it does not ask), it waits.
   */
  rowsServed(): void;
}

/** What every feature's `register` receives. */
export interface FeatureContext {
  readonly extension: vscode.ExtensionContext;
  readonly store: StoreService;
  readonly output: vscode.LogOutputChannel;
  /** What features add to group rows in the Runs view (a sweep's progress on its trials' group). */
  readonly groups: RunGroupDecorators;
}
