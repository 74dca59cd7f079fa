// One kind of panel's lifetime, written once: its commands (errors reported like every command's), opening a
// panel or revealing the one already open for the same thing (or showing it in the kind's preview panel, see
// preview.ts), restoring panels after a reload (the webview serializer, state checked by the panel's guard), and
// letting go of closed panels. A panel kind gives its view type, its state guard and how to build a panel; see
// docs/architecture.md, "Add a panel".
import * as vscode from 'vscode';
import { registerCommands, type CommandTable } from '../core/registerCommand';
import { Disposable } from '../core/lifecycle';
import type { FeatureContext } from '../core/services';
import type { Parsed } from '../protocol/guards';
import { panelOptions } from './html';
import { OncePerKey } from './oncePerKey';
import { placeOpen } from './preview';

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
  /** A context key set while this kind's preview panel is the active editor: its "Keep Open" action shows then. */
  previewContext?: string;
}

export interface ShowOptions<P> {
  /** Beside the active editor, and kept. */
  toSide?: boolean;
  /** Shows the key in the open preview panel instead of creating one; absent: no panel is reused. */
  reuse?: (panel: P) => Promise<void>;
}

/** How `create` is to make its panel: `createPanel(title, false, toSide)`; a panel not kept becomes the preview. */
export interface Creation {
  kept: boolean;
  toSide: boolean;
}

export class PanelRegistry<S, P extends KeyedPanel> extends Disposable {
  private readonly open = new Set<P>();
  private readonly opening = new OncePerKey();
  /** The one open panel not kept: the next thing opened is shown in it. Restored panels are kept. */
  private preview: P | undefined;
  private previewShown = false;

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
  createPanel(title: string, preserveFocus = false, toSide = false): vscode.WebviewPanel {
    return vscode.window.createWebviewPanel(
      this.kind.viewType,
      title,
      { viewColumn: toSide ? vscode.ViewColumn.Beside : vscode.ViewColumn.Active, preserveFocus },
      panelOptions(this.ctx.extension.extensionUri),
    );
  }

  /**
   * Reveals the open panel for `key`, or shows it in the preview panel (`reuse`), or runs `create` (which may
   * return nothing, having told the user why). A second request while either awaits joins it instead of opening
   * a second panel (a double-click).
   */
  async show(key: string, create: (how: Creation) => Promise<P | undefined>, options: ShowOptions<P> = {}): Promise<void> {
    const toSide = options.toSide ?? false;
    const open = [...this.open].map((p) => ({ key: p.key, kept: p !== this.preview, p }));
    const placed = placeOpen(open, { key, reuse: options.reuse !== undefined, toSide });
    switch (placed.kind) {
      case 'reveal':
        placed.panel.p.panel.reveal();
        if (placed.keep) this.keep(placed.panel.p);
        return;
      case 'reuse': {
        const reuse = options.reuse!;
        return this.opening.run(key, () => reuse(placed.panel.p));
      }
      case 'create':
        return this.opening.run(key, async () => {
          const created = await create({ kept: placed.kept, toSide });
          if (created) this.track(created, !placed.kept);
        });
    }
  }

  /** Whether a panel of this kind is open and not kept: the next one opened would be shown in it. */
  get hasPreview(): boolean {
    return this.preview !== undefined;
  }

  /** "Keep Open" on the active panel of this kind: it is no longer reused. */
  keepActive(): void {
    const active = [...this.open].find((p) => p.panel.active);
    if (active) this.keep(active);
  }

  private keep(p: P): void {
    if (this.preview !== p) return;
    this.preview = undefined;
    this.previewChanged();
  }

  /** Keeps the Keep Open action's context key in step: true while the preview panel is the active editor. */
  private previewChanged(): void {
    const shown = this.preview !== undefined && this.preview.panel.active;
    if (shown === this.previewShown || !this.kind.previewContext) return;
    this.previewShown = shown;
    void vscode.commands.executeCommand('setContext', this.kind.previewContext, shown);
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

  private track(p: P, preview = false): void {
    this.open.add(p);
    this.register(p);
    // Two panels created at once: the newer is the preview, the older one kept.
    if (preview) this.preview = p;
    const viewState = this.register(p.panel.onDidChangeViewState(() => this.previewChanged()));
    // A closed panel has disposed itself: let go of it, and of these subscriptions, so closed panels do not pile up.
    const closed = this.register(
      p.panel.onDidDispose(() => {
        this.open.delete(p);
        if (this.preview === p) this.preview = undefined;
        this.previewChanged();
        for (const d of [p, viewState, closed]) this.release(d);
        viewState.dispose();
        closed.dispose();
      }),
    );
    this.previewChanged();
  }
}
