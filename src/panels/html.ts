// The HTML shell of every chart panel: one bundled script and stylesheet from dist/webview (and a few inline lines
// that keep early messages), a strict CSP with a fresh nonce, nothing remote. Log data never goes into this HTML; it arrives by message and is rendered as text.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { INBOX, type PanelKind } from '../protocol/common';

export function bundleRoot(extensionUri: vscode.Uri): vscode.Uri {
  return vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
}

/** Webview options for a panel: scripts on, files only from the bundles (plus extra roots such as a run folder). */
export function panelOptions(extensionUri: vscode.Uri, extraRoots: vscode.Uri[] = []): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableFindWidget: true,
    localResourceRoots: [bundleRoot(extensionUri), ...extraRoots],
  };
}

function escapeAttr(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Runs before anything else in the page: keeps the host's messages until the app's bundle listens. VS Code hands
 * the messages it held for a loading page to it 200 ms after writing the HTML, loaded or not, so a state posted
 * before `ready` would be lost while a slow machine still fetches the bundle (api.ts `onHostMessage` drains this).
 * It goes before the stylesheet: a script after a loading stylesheet waits for it.
 */
const EARLY_INBOX = `window.${INBOX}=[];addEventListener('message',function(e){var q=window.${INBOX};if(q)q.push(e.data)});`;

export function panelHtml(webview: vscode.Webview, extensionUri: vscode.Uri, app: PanelKind, title: string): string {
  const nonce = randomBytes(18).toString('base64');
  const root = bundleRoot(extensionUri);
  const script = webview.asWebviewUri(vscode.Uri.joinPath(root, `${app}.js`));
  const style = webview.asWebviewUri(vscode.Uri.joinPath(root, `${app}.css`));
  // Lit (vscode-elements) adopts constructable stylesheets, and chart.js sizes canvases through the CSSOM,
  // so neither needs 'unsafe-inline'; a <style> element would need the nonce (window.litNonce carries it).
  const csp = [
    `default-src 'none'`,
    `script-src 'nonce-${nonce}'`,
    `style-src ${webview.cspSource} 'nonce-${nonce}'`,
    `img-src ${webview.cspSource} data:`,
    `font-src ${webview.cspSource}`,
  ].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${escapeAttr(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<script nonce="${nonce}">${EARLY_INBOX}</script>
<link rel="stylesheet" href="${escapeAttr(style.toString())}">
<title>${escapeAttr(title)}</title>
</head>
<body data-app="${app}">
<main id="app" aria-busy="true"><p class="loading">Loading…</p></main>
<script nonce="${nonce}" src="${escapeAttr(script.toString())}"></script>
</body>
</html>`;
}
