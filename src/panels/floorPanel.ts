// The benches' floor: an empty webview panel opened the way a chart panel is (same options, same CSP shell with a
// nonce), whose page only posts `ready` and stamps the host's answer. What a chart panel takes beyond this is ours;
// this much is VS Code creating a webview and one round trip. Registered only when a bench asks for it
// (TRACKSIDE_BENCH_FLOOR=1), behind a status bar item the bench clicks, so users never see it.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { panelOptions } from './html';

export const FLOOR_COMMAND = 'trackside.bench.emptyPanel';

export function registerFloorPanel(extensionUri: vscode.Uri): vscode.Disposable {
  if (process.env.TRACKSIDE_BENCH_FLOOR !== '1') return new vscode.Disposable(() => {});
  const item = vscode.window.createStatusBarItem('trackside.bench.floor', vscode.StatusBarAlignment.Left);
  item.text = 'Open empty panel';
  item.command = FLOOR_COMMAND;
  item.show();
  const command = vscode.commands.registerCommand(FLOOR_COMMAND, () => {
    const panel = vscode.window.createWebviewPanel('trackside.floor', 'Empty panel', vscode.ViewColumn.Active, panelOptions(extensionUri));
    const nonce = randomBytes(18).toString('base64');
    panel.webview.onDidReceiveMessage(() => void panel.webview.postMessage({ type: 'state' }));
    panel.webview.html = `<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-${nonce}'">
<title>Empty panel</title></head><body><main id="app"></main>
<script nonce="${nonce}">
const api = acquireVsCodeApi();
window.addEventListener('message', () => {
  document.body.dataset.paintedAt = (performance.timeOrigin + performance.now()).toFixed(1);
  document.body.dataset.readyMs = readyMs;
  document.body.dataset.pageStart = performance.timeOrigin.toFixed(1);
  document.getElementById('app').textContent = 'Answered.';
  document.body.dataset.painted = '1';
});
const readyMs = performance.now().toFixed(1);
api.postMessage({ type: 'ready' });
</script></body></html>`;
  });
  return vscode.Disposable.from(item, command);
}
