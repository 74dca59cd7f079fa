// One kind of panel's lifetime, written once: its commands (errors reported like every command's), opening a
// panel or revealing the one already open for the same thing, restoring panels after a reload (the webview
// serializer, state checked by the panel's guard), and letting go of closed panels. A panel kind gives its view
// type, its state guard and how to build a panel; see docs/architecture.md, "Add a panel".
import * as vscode from 'vscode';
import { registerCommands, type CommandTable } from '../core/registerCommand';
import { Disposable } from '../core/lifecycle';
import type { FeatureContext } from '../core/services';
import type { Parsed } from '../protocol/guards';
import { panelOptions } from './html';
import { OncePerKey } from './oncePerKey';

/** What the registry needs of an open panel: which thing it shows (it may change, as a comparison's runs do). */
export interface KeyedPanel extends vscode.Disposable {
  readonly panel: vscode.WebviewPanel;
  readonly key: string;
}

export interface PanelKind<S, P extends KeyedPanel> {
  viewType: string;
  /** What a user calls one, for the log: "dashboard", "comparison". */
  noun: string;
  /** The panel's state guard: a restored state is untrusted (it was written by the webview). */
  parseState(raw: unknown): Parsed<S>;
  /** The key of the panel a state shows: one open panel per key. */
  keyOf(state: S): string;
  /** Builds a panel in a webview panel VS Code restored after a reload. */
  restore(panel: vscode.WebviewPanel, state: S): Promise<P>;
  commands: CommandTable;
}

export class PanelRegistry<S, P extends KeyedPanel> extends Disposable {
  private readonly open = new Set<P>();
  private readonly opening = new OncePerKey();

  constructor(
    private readonly ctx: FeatureContext,
    private readonly kind: PanelKind<S, P>,
  ) {
    super();
    this.register(registerCommands(kind.commands, ctx.output));
    this.register(
      vscode.window.registerWebviewPanelSerializer(kind.viewType, {
        deserializeWebviewPanel: (panel, state) => this.restore(panel, state),
      }),
    );
  }

  /**
   * A new webview panel of this kind in the active editor group. `preserveFocus` leaves focus where it is, so a
   * panel can start loading behind a quick pick that is about to open.
   */
  createPanel(title: string, preserveFocus = false): vscode.WebviewPanel {
    return vscode.window.createWebviewPanel(
      this.kind.viewType,
      title,
      { viewColumn: vscode.ViewColumn.Active, preserveFocus },
      panelOptions(this.ctx.extension.extensionUri),
    );
  }

  /**
   * Reveals the open panel for `key`, or runs `create` (which may return nothing, having told the user why). A
   * second request while `create` awaits joins it instead of opening a second panel (a double-click).
   */
  async show(key: string, create: () => Promise<P | undefined>): Promise<void> {
    if (this.reveal(key)) return;
    return this.opening.run(key, async () => {
      const created = await create();
      if (created) this.track(created);
    });
  }

  private reveal(key: string): boolean {
    for (const p of this.open) {
      if (p.key === key) {
        p.panel.reveal();
        return true;
      }
    }
    return false;
  }

  private async restore(panel: vscode.WebviewPanel, raw: unknown): Promise<void> {
    const parsed = this.kind.parseState(raw);
    if (!parsed.ok) {
      this.ctx.output.warn(`Closed a ${this.kind.noun} that could not be restored: ${parsed.reason}`);
      panel.dispose();
      return;
    }
    // The same thing already open (restored twice, or opened before this restore ran): keep one panel.
    if (this.reveal(this.kind.keyOf(parsed.value))) {
      panel.dispose();
      return;
    }
    this.track(await this.kind.restore(panel, parsed.value));
  }

  private track(p: P): void {
    this.open.add(p);
    this.register(p);
    // A closed panel has disposed itself: let go of it, and of this subscription, so closed panels do not pile up.
    const closed = this.register(
      p.panel.onDidDispose(() => {
        this.open.delete(p);
        this.release(p);
        this.release(closed);
        closed.dispose();
      }),
    );
  }
}
