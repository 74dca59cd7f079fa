// After a rerun starts: find the run it logs (its parent is the rerun's source), and when it ends say how it
// went — for a plain rerun, whether it reproduced the parent's metrics and by how much.
import * as vscode from 'vscode';
import type { CommandId } from '../core/commands';
import { Disposable } from '../core/lifecycle';
import type { StoreService } from '../core/services';
import type { RunSummary } from '../store/types';
import { compareMetrics } from './model/reproduce';
import { formatParamInput, fromParamValue } from './model/overrides';
import { exactDigits } from '../core/format';
import { plainText } from '../core/text';

export interface Pending {
  parentId: string;
  parentName: string;
  /** Children of the parent that existed before this rerun, which are not its run. */
  known: Set<string>;
  startedAt: number;
  /** Keys that differ from the parent; empty for a reproduction. */
  changed: string[];
  /** Resolves when the command in the terminal ends (exit code when known). */
  ended: Promise<number | undefined>;
}

// A rerun's run may be indexed a little after its process exits.
const GRACE_MS = 15_000;
// While a rerun is pending, index this often, in case nothing else is watching the run folders.
const POLL_MS = 5_000;

export class FollowUp extends Disposable {
  private readonly pending = new Set<Pending>();
  private poll: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: StoreService,
    private readonly compareWithParent: CommandId,
    private readonly output: vscode.LogOutputChannel,
  ) {
    super();
    this.register(store.onDidChange(() => void this.checkLogged()));
    this.register({ dispose: () => clearInterval(this.poll) });
  }

  watch(p: Pending): void {
    this.pending.add(p);
    this.poll ??= setInterval(() => {
      if (this.pending.size === 0) {
        clearInterval(this.poll);
        this.poll = undefined;
      } else void this.store.refresh().catch(() => undefined);
    }, POLL_MS);
    void p.ended.then((code) => {
      setTimeout(() => void this.checkLogged().then(() => this.giveUp(p, code)), code === undefined ? 0 : GRACE_MS).unref?.();
      void this.store.refresh().catch(() => undefined);
    });
  }

  private giveUp(p: Pending, code: number | undefined): void {
    if (!this.pending.delete(p) || this.isDisposed) return;
    if (code !== undefined && code !== 0) {
      void vscode.window.showWarningMessage(`The rerun of '${plainText(p.parentName, 60)}' exited with code ${code} before logging a run. See its terminal.`);
    }
  }

  /** `check` for timers and events, which have nobody to reject to: the index may fail to open. */
  private checkLogged(): Promise<void> {
    return this.check().catch((err: unknown) => {
      this.output.warn(`Rerun follow-up: could not read the run index: ${err instanceof Error ? err.message : String(err)}`);
    });
  }

  private async check(): Promise<void> {
    if (this.pending.size === 0 || this.isDisposed) return;
    const store = await this.store.ready();
    for (const p of [...this.pending]) {
      const child = store
        .listRuns()
        .filter((r) => r.parent === p.parentId && !p.known.has(r.id) && r.startTime >= p.startedAt - 60_000)
        .sort((a, b) => a.startTime - b.startTime)[0];
      if (!child || child.status === 'running') continue;
      this.pending.delete(p);
      const parent = store.getRun(p.parentId);
      void this.announce(p, child, parent);
    }
  }

  private async announce(p: Pending, child: RunSummary, parent: RunSummary | undefined): Promise<void> {
    const name = `'${plainText(p.parentName, 60)}'`;
    const button = 'Compare with Parent';
    let message: string;
    let warn = child.status !== 'finished';
    if (child.status !== 'finished') {
      message = `The rerun of ${name} ${child.status}${child.error?.message ? `: ${plainText(child.error.message, 300)}` : '.'}`;
    } else if (p.changed.length === 0 && parent) {
      const tolerance = vscode.workspace.getConfiguration('trackside.rerun').get<number>('reproduceTolerance', 1e-3);
      const result = compareMetrics(parent.metrics, child.metrics, tolerance);
      warn = !result.reproduced;
      // The message names metric keys, which come from the logs.
      message = `The rerun of ${name} finished. ${plainText(result.message, 300)}`;
    } else {
      const changes = p.changed
        .slice(0, 4)
        .map((k) => `${k}=${formatParamInput(fromParamValue(child.params[k] ?? null, exactDigits(child.exactInts?.params, k))).slice(0, 40)}`)
        .join(', ');
      message = `The rerun of ${name} finished (${plainText(changes, 200)}${p.changed.length > 4 ? ', …' : ''}).`;
    }
    const show = warn ? vscode.window.showWarningMessage : vscode.window.showInformationMessage;
    if ((await show(message, button)) === button) await vscode.commands.executeCommand(this.compareWithParent, child.id);
  }
}
