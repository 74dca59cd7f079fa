// Team runs in a real VS Code: a teammate (Ada) shared her runs to the bare remote; Bob's workspace fetches them
// (they show in a Team group, read-only), then Bob shares his own run after the preview.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after } from 'node:test';
import { openStore } from '../../src/store';
import { DEFAULT_SETTINGS, publishRuns } from '../../src/team';
import { writeLog } from '../fixtures/logs';
import { gitSync, makeTeam } from '../fixtures/teamGit';
import { delay, e2eRun, vscodeTest, writeRun } from './harness';

const ADA_RUN = '20260101-120000-adaadaad';
const BOB_RUN = '20260101-130000-b0bb0bb0';

vscodeTest(
  'Fetch Team Runs shows a teammate’s runs in a Team group; Share Runs… previews and pushes; Unshare from the run’s menu takes it out',
  async () => {
    const team = makeTeam();
    after(team.cleanup);
    const ada = team.clone('Ada');
    writeLog(ada.root, ADA_RUN, e2eRun(ADA_RUN, 'ada-baseline', 20, { lr: 0.1, t0: Date.now() / 1000 - 3600, start: { env: { vars: { API_TOKEN: 'sekrit' } } } }));
    const store = await openStore({ roots: [ada.root] });
    await store.index();
    const shared = await publishRuns({ cwd: ada.repo, store, settings: DEFAULT_SETTINGS });
    await store.close();
    assert.ok(shared.pushed);
    const bob = team.clone('Bob');
    await writeRun(bob.repo, BOB_RUN, e2eRun(BOB_RUN, 'bob-own', 10, { lr: 0.2, t0: Date.now() / 1000 - 1800 }));
    return { workspace: bob.repo, theme: 'dark', env: { GIT_TERMINAL_PROMPT: '0' }, settings: { 'trackside.team.remote': 'origin' } };
  },
  async (vscode) => {
    await vscode.openTrackside();
    const runs = await vscode.view('Runs');
    await vscode.waitForTreeItem(runs, 'bob-own', 60_000);
    await vscode.runCommand('Trackside: Fetch Team Runs', { settle: 3000 });
    const group = await vscode.waitForTreeItem(runs, /Team · Ada/, 60_000);
    if ((await group.getAttribute('aria-expanded')) === 'false') await group.click();
    await vscode.waitForTreeItem(runs, 'ada-baseline', 30_000);
    await vscode.screenshot('team-group');

    // Share: the preview lists Bob's run (not Ada's), ticked; Enter pushes it.
    await vscode.runCommand('Trackside: Share Runs…', { settle: 3000 });
    const row = vscode.quickPickItems(/bob-own/);
    await row.first().waitFor({ state: 'visible', timeout: 60_000 });
    assert.equal(await vscode.quickPickItems(/ada-baseline/).count(), 0, 'a teammate’s run is not offered');
    await vscode.page.keyboard.press('Enter');
    const deadline = Date.now() + 60_000;
    let tree = '';
    while (Date.now() < deadline) {
      try {
        tree = gitSync(join(vscode.workspace, '..', 'remote.git'), 'ls-tree', '-r', '--name-only', 'refs/trackside/runs');
      } catch {
        tree = '';
      }
      if (tree.includes(`${BOB_RUN}/meta.json`)) break;
      await delay(500);
    }
    assert.match(tree, new RegExp(`^Bob@[^/]+/${BOB_RUN}/meta\\.json$`, 'm'), tree);
    assert.match(tree, new RegExp(`^Ada@[^/]+/${ADA_RUN}/meta\\.json$`, 'm'), 'Ada’s run is still there');

    // Unshare from the run's own menu: the pick opens with it ticked, a modal asks, and the ref loses it.
    await vscode.contextMenu(await vscode.waitForTreeItem(runs, 'bob-own'), 'Unshare Runs…');
    const ticked = vscode.quickPickItems(/bob-own/).first();
    await ticked.waitFor({ state: 'visible', timeout: 60_000 });
    assert.equal(await ticked.getAttribute('aria-checked'), 'true', 'the run the menu was opened on is ticked');
    await vscode.page.keyboard.press('Enter');
    const confirm = vscode.page.locator('.monaco-dialog-box').getByRole('button', { name: 'Unshare', exact: true });
    await confirm.waitFor({ state: 'visible', timeout: 30_000 });
    await confirm.click();
    const gone = Date.now() + 60_000;
    while (Date.now() < gone && tree.includes(`${BOB_RUN}/meta.json`)) {
      await delay(500);
      tree = gitSync(join(vscode.workspace, '..', 'remote.git'), 'ls-tree', '-r', '--name-only', 'refs/trackside/runs');
    }
    assert.doesNotMatch(tree, new RegExp(`${BOB_RUN}/`), tree);
    assert.match(tree, new RegExp(`^Ada@[^/]+/${ADA_RUN}/meta\\.json$`, 'm'), 'Ada’s run is untouched');
  },
  300_000,
);
