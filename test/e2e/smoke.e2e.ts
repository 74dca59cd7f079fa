// Core smoke checks in a real VS Code: the container opens, runs appear, a palette command works, a webview
// renders.
import assert from 'node:assert/strict';
import { e2eRun, tempWorkspace, vscodeTest, writeRun } from './harness';

async function workspaceWithRuns(): Promise<{ workspace: string }> {
  const workspace = await tempWorkspace();
  await writeRun(workspace, '20260101-120000-aaaaaaaa', e2eRun('20260101-120000-aaaaaaaa', 'baseline', 30, { lr: 0.1 }));
  await writeRun(workspace, '20260101-130000-bbbbbbbb', e2eRun('20260101-130000-bbbbbbbb', 'higher-lr', 30, { lr: 0.5 }));
  return { workspace };
}

vscodeTest('the Trackside container activates on a workspace with runs and lists them', workspaceWithRuns, async (vscode) => {
  await vscode.waitForActivation();
  const sidebar = await vscode.openTrackside();
  assert.match(await sidebar.locator('.composite.title').innerText(), /trackside/i);
  const runs = await vscode.view('Runs');
  await vscode.waitForTreeItem(runs, 'baseline');
  await vscode.waitForTreeItem(runs, 'higher-lr');
  await vscode.screenshot('runs');
});

vscodeTest('Refresh Runs runs from the command palette and picks up a new run', workspaceWithRuns, async (vscode) => {
  await vscode.openTrackside();
  const runs = await vscode.view('Runs');
  await vscode.waitForTreeItem(runs, 'baseline');
  await writeRun(vscode.workspace, '20260101-140000-cccccccc', e2eRun('20260101-140000-cccccccc', 'late-arrival', 5));
  await vscode.runCommand('Trackside: Refresh Runs');
  await vscode.waitForTreeItem(runs, 'late-arrival');
});

vscodeTest('a run dashboard webview renders its charts', workspaceWithRuns, async (vscode) => {
  await vscode.openTrackside();
  const runs = await vscode.view('Runs');
  const run = await vscode.waitForTreeItem(runs, 'baseline');
  await run.click();
  await vscode.runCommand('Trackside: Open Run Dashboard');
  // From the palette, with no run passed in, the command asks which run.
  await vscode.pickQuickItem('baseline');
  const frame = vscode.webview();
  await frame.locator('canvas').first().waitFor({ state: 'visible', timeout: 30_000 });
  assert.match(await frame.locator('body').innerText(), /train\/loss/);
  await vscode.screenshot('dashboard');
});

vscodeTest('in Restricted Mode runs are still listed', async () => ({ ...(await workspaceWithRuns()), trust: false }), async (vscode) => {
  // The harness answered the trust prompt with "No, I don't trust the authors".
  await vscode.page.locator('.statusbar-item', { hasText: /Restricted Mode/ }).first().waitFor({ state: 'visible' });
  await vscode.openTrackside();
  const runs = await vscode.view('Runs');
  await vscode.waitForTreeItemByLabel(runs, 'baseline');
  await vscode.waitForTreeItemByLabel(runs, 'higher-lr');
});
