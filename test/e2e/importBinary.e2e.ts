// TensorBoard and W&B runs in a real VS Code: found in the workspace beside a Trackside run, listed in the Runs
// view, and compared with it on one chart. Their files come from the fixture writers (event.proto, the W&B
// datastore and wandb_internal.proto).
import assert from 'node:assert/strict';
import { utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { tensorboardEvents, writeEventFile } from '../fixtures/tensorboard';
import { writeWandbRun } from '../fixtures/wandb';
import { e2eRun, tempWorkspace, vscodeTest, writeRun } from './harness';

const t0 = Math.floor(Date.now() / 1000) - 600;
const curve = (lr: number) => (step: number) => ({ 'train/loss': 1 / (1 + lr * step), 'val/acc': 1 - 1 / (2 + step) });

vscodeTest(
  'TensorBoard and W&B runs list beside a Trackside run and compare with it on one chart',
  async () => {
    const workspace = await tempWorkspace();
    await writeRun(workspace, '20260101-100000-aaaaaaaa', e2eRun('20260101-100000-aaaaaaaa', 'native', 40, { t0 }));
    const old = new Date(Date.now() - 3600_000);
    const events = writeEventFile(join(workspace, 'tb_logs', 'lr0.3'), tensorboardEvents(40, { t0, lr: 0.3, values: curve(0.3) }));
    await utimes(events, old, old);
    writeWandbRun(workspace, 'wb0001', { t0, lr: 0.05, steps: 40, exitCode: 0, name: 'wandb-lr0.05', values: curve(0.05) });
    return { workspace, theme: 'dark' };
  },
  async (vscode) => {
    await vscode.openTrackside();
    const runs = await vscode.view('Runs');
    for (const name of ['native', 'tb_logs/lr0.3', 'wandb-lr0.05']) await vscode.waitForTreeItem(runs, name);

    await vscode.runCommand('Trackside: Compare Runs');
    await vscode.quickPickItems().first().waitFor();
    const rows = vscode.quickPickItems();
    const n = await rows.count();
    assert.equal(n, 3, 'the three runs are offered');
    for (let i = 0; i < n; i++) await rows.nth(i).click();
    await vscode.page.locator('.quick-input-widget .monaco-count-badge', { hasText: '3 Selected' }).waitFor();
    await vscode.page.keyboard.press('Enter');
    const cmp = vscode.webview();
    await cmp.locator('body[data-painted]').waitFor({ timeout: 90_000 });
    await cmp.locator('h1', { hasText: 'Compare 3 runs' }).waitFor();
    const chart = cmp.locator('.card[data-key="train/loss"] canvas');
    assert.equal(await chart.getAttribute('data-datasets'), '6', 'three runs on one chart, smoothed and raw');
    // The highest learning rate falls fastest: the TensorBoard run has the best loss.
    const runOrder = await cmp.locator('table.metrics thead .runhead button:not(.remove)').allInnerTexts();
    const cells = cmp.locator('table.metrics tr[data-key="train/loss"] td');
    let best = '';
    for (let i = 0; i < (await cells.count()); i++) if ((await cells.nth(i).getAttribute('data-best')) === 'true') best = runOrder[i] ?? '';
    assert.equal(best, 'tb_logs/lr0.3');
    await vscode.screenshot('compare-imported');
  },
  300_000,
);
