// What every panel shares: the ready handshake, message validation at the trust boundary, typed posting, and
// the panel's lifetime. The webview announces `ready` (first load, reload, or re-shown after being hidden,
// since we do not retain hidden contexts) and the host answers with the full state, unless a chart panel already
// posted it while the page loaded (`beforeReady`). Generic over the
// panel's protocol, so a panel posts only its own messages and handles only what its guard lets through.
import type * as vscode from 'vscode';
import { Disposable } from '../core/lifecycle';
import type { FeatureContext } from '../core/services';
import type { Parsed } from '../protocol/guards';
import type { ChartOutbound } from '../protocol/common';

export abstract class PanelHost<In extends { type: string }, Out extends { type: string }> extends Disposable {
  private isReady = false;
  /** When the panel was created: the paint log reports the time from here, as a user waits it. */
  protected readonly createdAt = performance.now();

  constructor(
    readonly panel: vscode.WebviewPanel,
    protected readonly ctx: FeatureContext,
    /** The panel's guard: checks what its webview posts against its protocol. */
    private readonly parse: (raw: unknown) => Parsed<In>,
  ) {
    super();
    this.register(panel.onDidDispose(() => this.dispose()));
    // receive() reports its own errors; this catch is the last resort (e.g. the output channel already gone),
    // so nothing escapes as an unhandled rejection.
    this.register(
      panel.webview.onDidReceiveMessage((raw: unknown) => {
        this.receive(raw).catch((err: unknown) => console.error(`Trackside ${panel.viewType}: ${String(err)}`));
      }),
    );
    // A hidden webview is torn down (no retainContextWhenHidden) and drops what is posted; on re-show it loads
    // again and sends `ready`, which resends everything. Until then, live updates are not worth computing.
    this.register(
      panel.onDidChangeViewState((e) => {
        if (!e.webviewPanel.visible) this.isReady = false;
      }),
    );
  }

  protected get ready(): boolean {
    return this.isReady && !this.isDisposed;
  }

  /** Calls of `beforeReady` in flight: their posts go out although the page has not said `ready` yet. */
  private earlyPosting = 0;

  /**
   * Runs `send` with posting allowed before the page's `ready`. VS Code holds what is posted to a webview until its
   * page has loaded, so a state built while the page loads arrives as soon as the page can take it.
   */
  protected async beforeReady(send: () => Promise<void>): Promise<void> {
    this.earlyPosting++;
    try {
      await send();
    } finally {
      this.earlyPosting--;
    }
  }

  /**
   * Posts a message once the webview is listening; earlier messages are dropped (ready resends everything), but
   * for those of `beforeReady`. Posted as given: a message with metric series packs them itself (runView.ts
   * `packSeries`), where it is built.
   */
  protected async post(message: Out | ChartOutbound): Promise<boolean> {
    if (this.isDisposed || (!this.isReady && this.earlyPosting === 0)) return false;
    return this.panel.webview.postMessage(message);
  }

  private async receive(raw: unknown): Promise<void> {
    const parsed = this.parse(raw);
    if (!parsed.ok) {
      this.ctx.output.warn(`Ignored a message from the ${this.panel.viewType} webview: ${parsed.reason}`);
      return;
    }
    const message = parsed.value;
    if (message.type === 'ready') this.isReady = true;
    try {
      await this.handle(message);
    } catch (err) {
      const text = err instanceof Error ? err.message : String(err);
      this.ctx.output.error(`${this.panel.viewType}: ${message.type} failed: ${text}`);
      // The panel may have been closed while the handler ran: posting then throws, and there is no one to tell.
      await this.post({ type: 'notice', level: 'error', message: `${message.type} failed: ${text}` }).catch(() => false);
    }
  }

  /** Handles a validated message; `ready` means "send the full state now". */
  protected abstract handle(message: In): Promise<void>;

  override dispose(): void {
    if (this.isDisposed) return;
    super.dispose();
    this.panel.dispose();
  }
}
