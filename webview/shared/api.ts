// The webview's side of the contract: typed posting, typed receiving, and state kept by VS Code across reloads.
import type { HostMessage, PanelState, WebviewMessage } from '../../src/contract/messages';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();

export function post(message: WebviewMessage): void {
  vscode.postMessage(message);
}

/** Persists the view state (the panel serializer gets it back after a reload) and tells the host. */
export function saveState(state: PanelState): void {
  vscode.setState(state);
  post({ type: 'state', state });
}

export function onHostMessage(handler: (message: HostMessage) => void): void {
  window.addEventListener('message', (event: MessageEvent<unknown>) => {
    const data = event.data;
    // Only the host posts to this window; still, ignore anything without a string type.
    if (data && typeof data === 'object' && typeof (data as { type?: unknown }).type === 'string') handler(data as HostMessage);
  });
}
