// The HTML shell of every chart panel: one bundled script and stylesheet from dist/webview, a strict CSP with a
// fresh nonce, nothing remote. Log data never goes into this HTML; it arrives by message and is rendered as text.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import type { PanelKind } from '../protocol/common';

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
<link rel="stylesheet" href="${escapeAttr(style.toString())}">
<title>${escapeAttr(title)}</title>
</head>
<body data-app="${app}">
<main id="app" aria-busy="true"><p class="loading">Loading…</p></main>
<script nonce="${nonce}" src="${escapeAttr(script.toString())}"></script>
</body>
</html>`;
}
