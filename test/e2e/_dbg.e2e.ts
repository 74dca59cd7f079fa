import { tempWorkspace, vscodeTest, writeRun, simpleRun } from './harness';
vscodeTest('dbg', async () => { const ws = await tempWorkspace(); await writeRun(ws, 'r1', simpleRun('r1', 'a')); return { workspace: ws }; }, async (vscode) => {
  await vscode.openTrackside();
  await vscode.runCommand('Trackside: Refresh Runs');
  await new Promise((r) => setTimeout(r, 4000));
  console.log(await vscode.notifications());
  console.log(await vscode.page.locator('.notifications-toasts').innerHTML().catch(e => String(e)));
  await vscode.screenshot('after');
});
