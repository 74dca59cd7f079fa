// The Models view in a real VS Code: register a run's artifact from the Runs view, move an alias, open the model
// card, and follow the lineage back to the run the version's run was started from.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import { models, openStore } from '../../src/store';
import { artifact } from '../fixtures/records';
import { delay, e2eRun, tempWorkspace, vscodeTest, writeRun, type VSCode } from './harness';

const BASE = '20260101-120000-aaaaaaaa';
const TUNED = '20260101-130000-bbbbbbbb';

async function withModelFile(ws: string, id: string, name: string, parent?: string): Promise<void> {
  const bytes = `weights of ${name}`;
  await mkdir(join(ws, '.trackside', 'runs', id, 'artifacts'), { recursive: true });
  await writeFile(join(ws, '.trackside', 'runs', id, 'artifacts', 'model.pt'), bytes);
  const records = e2eRun(id, name, 10, { start: { env: { git: { commit: '0123456789abcdef0123456789abcdef01234567', dirty: false } }, ...(parent ? { parent } : {}) } });
  // The artifact record before the final status, as the logger writes it.
  records.splice(records.length - 1, 0, artifact('artifacts/model.pt', { kind: 'model', size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') }));
  await writeRun(ws, id, records);
}

async function expand(row: Locator): Promise<void> {
  if ((await row.getAttribute('aria-expanded')) === 'false') await row.locator('.monaco-tl-twistie').click();
}

async function answer(vscode: VSCode, text: string): Promise<void> {
  const input = vscode.page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  await input.fill(text);
  await delay(300); // validation runs on each change
  await input.press('Enter');
}

async function waitFor(what: string, check: () => Promise<boolean>, timeout = 30_000): Promise<void> {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await delay(200);
  }
  throw new Error(`timed out waiting for ${what}`);
}

vscodeTest(
  'models: register from the Runs view and a dashboard, move an alias, open the card, follow lineage, compare and rerun',
  async () => {
    const workspace = await tempWorkspace();
    await withModelFile(workspace, BASE, 'baseline');
    await withModelFile(workspace, TUNED, 'tuned', BASE);
    // Version 1 exists already (as the CLI or Python would have made it), named champion.
    const root = join(workspace, '.trackside');
    const store = await openStore({ roots: [root] });
    await store.index();
    await models.registerModel(root, { name: 'mnist', run: store.getRun(BASE)!, artifact: 'model.pt', alias: 'champion' });
    await store.close();
    return { workspace, theme: 'dark' };
  },
  async (vscode) => {
    await vscode.openTrackside();
    const runs = await vscode.view('Runs');
    // The rerun sits under its parent, in its Child Runs section (expanded by default).
    await expand(await vscode.waitForTreeItem(runs, /^baseline/, 60_000));
    const tuned = await vscode.waitForTreeItem(runs, /^tuned/, 30_000);
    await expand(tuned);
    const level = Number(await tuned.getAttribute('aria-level'));
    const own = (label: string, depth: number) => runs.locator(`.monaco-list-row[role="treeitem"][aria-level="${level + depth}"]`).filter({ has: vscode.page.locator('.label-name', { hasText: label }) }).first();
    await own('Artifacts', 1).waitFor({ timeout: 30_000 });
    await expand(own('Artifacts', 1));
    const file = own('artifacts/model.pt', 2);
    await file.waitFor({ timeout: 30_000 });

    // Register: the artifact row's menu, a model name (the project's model is offered), an alias.
    await vscode.contextMenu(file, 'Register Model…');
    await answer(vscode, 'mnist');
    await answer(vscode, 'staging');
    await vscode.waitForNotification(/Registered mnist version 2 as staging/, 30_000);
    const view = await vscode.view('Models');
    const model = await vscode.waitForTreeItemByLabel(view, 'mnist', 30_000);
    await expand(model);
    const v2 = await vscode.waitForTreeItemByLabel(view, 'v2');
    await waitFor('v2 to show its alias and checked file', async () => /@staging · best_acc/.test(await v2.innerText()));
    const v1 = await vscode.waitForTreeItemByLabel(view, 'v1');
    assert.match(await v1.innerText(), /@champion/);
    await vscode.screenshot('models-registered');
    const versionFile = JSON.parse(await readFile(join(vscode.workspace, '.trackside', 'models', 'mnist', 'versions', '2.json'), 'utf8'));
    assert.equal(versionFile.run, TUNED);
    assert.equal(versionFile.parent, BASE);

    // Move champion from v1 to v2, with a reason kept in the history.
    await vscode.contextMenu(v2, 'Move Alias…');
    await answer(vscode, 'champion');
    await answer(vscode, 'better val acc');
    await waitFor('champion to move to v2', async () => /@staging · @champion|@champion · @staging/.test(await vscode.treeItemByLabel(view, 'v2').innerText()));
    assert.doesNotMatch(await vscode.treeItemByLabel(view, 'v1').innerText(), /@champion/);
    const history = (await readFile(join(vscode.workspace, '.trackside', 'models', 'mnist', 'aliases.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    assert.deepEqual(history.map((h) => [h.alias, h.version, h.reason]), [['champion', 1, 'registered'], ['staging', 2, 'registered'], ['champion', 2, 'better val acc']]);

    // A description (hostile on purpose: it must stay text in the card) and tags.
    await vscode.contextMenu(vscode.treeItemByLabel(view, 'v2'), 'Edit Description and Tags…');
    await answer(vscode, 'Best so far <img src=x onerror=alert(1)> [x](command:workbench.action.terminal.new)');
    await answer(vscode, 'cnn, small');
    await waitFor('the edit to land', async () => (await readFile(join(vscode.workspace, '.trackside', 'models', 'mnist', 'edits.jsonl'), 'utf8')).includes('"tags":["cnn","small"]'));

    // The card: a real Markdown file beside the version, generated from the record.
    await vscode.contextMenu(vscode.treeItemByLabel(view, 'v2'), 'Open Model Card');
    await vscode.waitForTab('2.md', 30_000);
    const card = await readFile(join(vscode.workspace, '.trackside', 'models', 'mnist', 'cards', '2.md'), 'utf8');
    assert.match(card, /^# Model card: `mnist` version 2$/m);
    assert.match(card, /- Aliases: `(staging|champion)`, `(staging|champion)`/);
    assert.match(card, /Started from run `20260101-120000-aaaaaaaa` \(`baseline`\), finished/);
    assert.match(card, /`champion` → v2 by `[^`]*`: `better val acc`/);
    assert.match(card, /```text\nBest so far <img src=x onerror=alert\(1\)> \[x\]\(command:workbench\.action\.terminal\.new\)\n```/);
    assert.match(card, /- Tags: `cnn`, `small`/);
    await vscode.screenshot('models-card');

    // Lineage: the version's run, then the run it was rerun from; clicking that opens its dashboard.
    await expand(vscode.treeItemByLabel(view, 'v2'));
    await vscode.waitForTreeItemByLabel(view, 'Run tuned');
    const from = await vscode.waitForTreeItemByLabel(view, 'From run baseline');
    await vscode.waitForTreeItemByLabel(view, /^Commit /);
    await from.click();
    await vscode.waitForTab(/baseline/, 60_000);
    await vscode.webview().locator('canvas').first().waitFor({ state: 'visible', timeout: 60_000 });
    await vscode.screenshot('models-lineage');

    // The dashboard registers its run's artifacts too.
    await vscode.webview().getByText('Register Model…').first().click();
    await answer(vscode, 'mnist');
    await answer(vscode, '');
    await vscode.waitForNotification(/Registered mnist version 3 from baseline/, 30_000);
    await vscode.waitForTreeItemByLabel(view, 'v3', 30_000);

    // Compare Versions: the compare view with both versions' runs.
    await vscode.contextMenu(vscode.treeItemByLabel(view, 'v2'), 'Compare Versions');
    await vscode.pickQuickItem('v1');
    await vscode.waitForTab('Compare 2 Runs', 60_000);

    // Rerun Version: the rerun review of the version's run (cancelled here; rerun.e2e.ts goes through with one).
    await vscode.contextMenu(vscode.treeItemByLabel(view, 'v2'), 'Rerun Version');
    const review = vscode.page.locator('.monaco-dialog-box');
    await waitFor('the rerun review', async () => {
      const text = await review.innerText({ timeout: 1000 });
      // The fixture runs recorded no git work tree to compare the code with: review without that check.
      if (/Review Without Checking/.test(text)) await review.getByRole('button', { name: 'Review Without Checking', exact: true }).click();
      return /TRACKSIDE_PARENT_RUN=/.test(text);
    }, 60_000);
    assert.match(await review.innerText(), new RegExp(`TRACKSIDE_PARENT_RUN=${TUNED}`));
    await vscode.page.keyboard.press('Escape');
    await review.waitFor({ state: 'hidden', timeout: 15_000 });

    // A file saved over after registration is flagged, not trusted.
    await writeFile(join(vscode.workspace, '.trackside', 'runs', TUNED, 'artifacts', 'model.pt'), 'other weights!!!');
    await waitFor('v2 to show its file changed', async () => /file changed/.test(await vscode.treeItemByLabel(view, 'v2').innerText()), 60_000);
    await vscode.screenshot('models-file-changed');
  },
  300_000,
);
