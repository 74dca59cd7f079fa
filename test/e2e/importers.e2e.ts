// Runs other tools wrote, in a real VS Code: an MLflow run and a TensorBoard run found under the workspace show in
// the Runs view with their badges beside a native run, and the three are compared on one chart.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { e2eRun, tempWorkspace, vscodeTest, writeRun } from './harness';
import { mlflowRun, writeExperiment } from '../fixtures/mlflow';
import { tensorboardEvents, writeEventFile } from '../fixtures/tensorboard';

const NATIVE = '20260101-120000-aaaaaaaa';
const MLFLOW = '0f3c2b1a9e8d4c7b6a5f4e3d2c1b0a99';

vscodeTest('an MLflow run and a TensorBoard run are listed with their badges and compared with a native run on one chart', async () => {
  const workspace = await tempWorkspace();
  await writeRun(workspace, NATIVE, e2eRun(NATIVE, 'native-baseline', 20, { lr: 0.1 }));
  const mlruns = join(workspace, 'experiments', 'mlruns');
  writeExperiment(mlruns, '1', 'imported');
  const t0 = Math.floor(Date.now() / 1000) - 600;
  const lr = 0.3;
  mlflowRun(mlruns, MLFLOW, 20, {
    experimentId: '1',
    t0,
    lr,
    start: { name: 'mlflow-sweep' },
    status: 'finished',
    values: (step) => ({ 'train/loss': 1 / (1 + lr * step), 'val/acc': 1 - 1 / (2 + step) }),
  });
  const tbLr = 0.05;
  writeEventFile(join(workspace, 'tb_logs', 'lr0.05'), tensorboardEvents(20, { t0, lr: tbLr, values: (step) => ({ 'train/loss': 1 / (1 + tbLr * step) }) }));
  return { workspace, theme: 'dark' };
}, async (vscode) => {
  await vscode.openTrackside();
  const runs = await vscode.view('Runs');
  await vscode.waitForTreeItem(runs, 'native-baseline');
  const imported = await vscode.waitForTreeItem(runs, 'mlflow-sweep');
  assert.match(await imported.innerText(), /MLflow/, 'the source badge is in the row');
  await vscode.waitForTreeItem(runs, 'imported');
  const tensorboard = await vscode.waitForTreeItem(runs, 'tb_logs/lr0.05');
  assert.match(await tensorboard.innerText(), /TensorBoard/, 'the TensorBoard badge is in its row');

  await vscode.runCommand('Trackside: Compare Runs');
  await vscode.quickPickItems().first().waitFor();
  const rows = vscode.quickPickItems();
  const n = await rows.count();
  assert.equal(n, 3);
  for (let i = 0; i < n; i++) await rows.nth(i).click();
  await vscode.page.locator('.quick-input-widget .monaco-count-badge', { hasText: '3 Selected' }).waitFor();
  await vscode.page.keyboard.press('Enter');
  const cmp = vscode.webview();
  await cmp.locator('body[data-painted]').waitFor({ timeout: 90_000 });
  await cmp.locator('h1', { hasText: 'Compare 3 runs' }).waitFor();
  const chart = cmp.locator('.card[data-key="train/loss"] canvas');
  assert.equal(await chart.getAttribute('data-datasets'), '6', 'the three runs on one chart, smoothed and raw');
  assert.equal(await cmp.locator('table.params tr[data-key="lr"]').getAttribute('data-differs'), 'true');
  await vscode.screenshot('mlflow-tensorboard-and-native');
});
