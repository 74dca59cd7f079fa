// The webview's side of a panel's protocol: typed posting, typed receiving, and state kept by VS Code across
// reloads. Each app opens its channel once with its own protocol, so it can post only its panel's messages.
import { INBOX, type StateMessage } from '../../src/protocol/common';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

export interface PanelChannel<S, In, Out> {
  post(message: In): void;
  /** Persists the view state (the panel serializer gets it back after a reload) and tells the host. */
  saveState(state: S): void;
  onHostMessage(handler: (message: Out) => void): void;
}

/** The channel of this webview's panel: call once per app (VS Code hands out its API once). */
export function panelChannel<S, In extends { type: string }, Out extends { type: string }>(): PanelChannel<S, In | StateMessage<S>, Out> {
  const vscode = acquireVsCodeApi();
  const post = (message: In | StateMessage<S>): void => vscode.postMessage(message);
  return {
    post,
    saveState: (state) => {
      vscode.setState(state);
      post({ type: 'state', state });
    },
    onHostMessage: (handler) => {
      // Only the host posts to this window; still, ignore anything without a string type.
      const take = (data: unknown): void => {
        if (data && typeof data === 'object' && typeof (data as { type?: unknown }).type === 'string') handler(data as Out);
      };
      // What came before this bundle ran (a state posted while the page loaded), kept by the page's inline script.
      const inbox = window as unknown as Record<string, unknown[] | undefined>;
      const early = inbox[INBOX] ?? [];
      inbox[INBOX] = undefined;
      window.addEventListener('message', (event: MessageEvent<unknown>) => take(event.data));
      for (const data of early) take(data);
    },
  };
}
