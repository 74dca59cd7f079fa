// Core smoke checks in a real VS Code: the container opens, runs appear, a palette command works.
import assert from 'node:assert/strict';
import { simpleRun, tempWorkspace, vscodeTest, writeRun } from './harness';

async function workspaceWithRuns(): Promise<string> {
  const ws = await tempWorkspace();
  await writeRun(ws, '20260101-120000-aaaaaaaa', simpleRun('20260101-120000-aaaaaaaa', 'baseline', 30, { lr: 0.1 }));
  await writeRun(ws, '20260101-130000-bbbbbbbb', simpleRun('20260101-130000-bbbbbbbb', 'higher-lr', 30, { lr: 0.5 }));
  return ws;
}

vscodeTest('the Trackside container opens and activates on a workspace with runs', async () => ({ workspace: await workspaceWithRuns() }), async (vscode) => {
  await vscode.waitForActivation();
  const sidebar = await vscode.openTrackside();
  const runs = await vscode.view('Runs');
  assert.ok(await runs.isVisible(), 'the Runs view is shown');
  assert.match((await sidebar.locator('.composite.title').innerText()).toUpperCase(), /TRACKSIDE/);
  await vscode.screenshot('container');
});

vscodeTest('Refresh Runs runs from the command palette without an error', async () => ({ workspace: await workspaceWithRuns() }), async (vscode) => {
  await vscode.openTrackside();
  await vscode.runCommand('Trackside: Refresh Runs');
  // A command that is not registered or throws shows an error toast; give it a moment to appear.
  await new Promise((r) => setTimeout(r, 1500));
  const errors = (await vscode.notifications()).filter((n) => /not found|error|failed/i.test(n));
  assert.deepEqual(errors, []);
});
