import { delay, tempWorkspace, vscodeTest } from './harness';
import { writeDemoRun } from './chartFixtures';

vscodeTest('debug compare', async () => {
  const ws = await tempWorkspace();
  await writeDemoRun(ws, { id: 'r1', name: 'a', lr: 0.1, steps: 100 });
  await writeDemoRun(ws, { id: 'r2', name: 'b', lr: 0.2, steps: 100 });
  return { workspace: ws };
}, async (vscode) => {
  vscode.page.on('console', (m) => console.log('CONSOLE', m.type(), m.text().slice(0, 500)));
  vscode.page.on('pageerror', (e) => console.log('PAGEERROR', e.message));
  await vscode.waitForActivation();
  await vscode.runCommand('Trackside: Compare Runs');
  await vscode.quickPickItems().first().waitFor();
  const rows = vscode.quickPickItems();
  for (let i = 0; i < 2; i++) await rows.nth(i).click();
  await vscode.page.keyboard.press('Enter');
  await delay(8000);
  const frames = vscode.page.frames();
  for (const f of frames) {
    const attrs = await f.evaluate(() => JSON.stringify({ url: location.href.slice(0, 80), ds: { ...document.body?.dataset } })).catch((e) => String(e));
    console.log('FRAME', attrs);
  }
  console.log(await vscode.tracksideLog());
});
