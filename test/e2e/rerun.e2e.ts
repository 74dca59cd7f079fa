// Rerun in a real VS Code: a demo run rerun from the palette with one param changed, a hostile recorded command
// that must not run without confirmation, and Restricted Mode.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { access, chmod, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Locator } from 'playwright-core';
import { repoRoot } from '../../scripts/vscode-server';
import { LOG_FILE } from '../../src/store';
import { delay, e2eRun, tempWorkspace, vscodeTest, writeRun, type VSCode } from './harness';

const exec = promisify(execFile);
const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' };

const TRAIN = `import argparse, sys
sys.path.insert(0, ${JSON.stringify(join(repoRoot, 'logger'))})
import trackside

parser = argparse.ArgumentParser()
parser.add_argument("--lr", type=float, default=0.1)
parser.add_argument("--epochs", type=int, default=3)
args = parser.parse_args()
with trackside.init(project="demo", name="demo-train", config={"lr": args.lr, "epochs": args.epochs}) as run:
    lr = run.config["lr"]
    for step in range(run.config["epochs"]):
        run.log({"train/loss": 1.0 / (1 + lr * step)}, step=step)
`;

/** A git workspace with train.py committed and one real run of it (the parent). */
async function demoWorkspace(): Promise<string> {
  const ws = await tempWorkspace();
  await writeFile(join(ws, 'train.py'), TRAIN);
  await writeFile(join(ws, '.gitignore'), '.trackside/\n');
  await exec('git', ['init', '-q'], { cwd: ws });
  await exec('git', ['add', '.'], { cwd: ws });
  await exec('git', ['commit', '-qm', 'demo'], { cwd: ws, env: GIT_ENV });
  await exec('python3', ['train.py', '--lr', '0.1'], { cwd: ws, env: { ...process.env, TRACKSIDE_DIR: '' } });
  return ws;
}

async function runLogs(ws: string): Promise<Array<Array<Record<string, unknown>>>> {
  const root = join(ws, '.trackside', 'runs');
  const ids = await readdir(root).catch(() => [] as string[]);
  const logs = await Promise.all(ids.map((id) => readFile(join(root, id, LOG_FILE), 'utf8').catch(() => '')));
  return logs.map((text) => text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>));
}

function dialog(vscode: VSCode): Locator {
  return vscode.page.locator('.monaco-dialog-box');
}

async function dialogText(vscode: VSCode): Promise<string> {
  await dialog(vscode).waitFor({ state: 'visible', timeout: 60_000 });
  return dialog(vscode).innerText();
}

async function clickDialogButton(vscode: VSCode, name: string): Promise<void> {
  await dialog(vscode).getByRole('button', { name, exact: true }).click();
}

async function startRerun(vscode: VSCode, runName: string): Promise<void> {
  await vscode.runCommand('Trackside: Rerun Configuration…');
  const row = vscode.quickPickItems(runName).first();
  await row.waitFor({ state: 'visible', timeout: 60_000 });
  await row.click();
}

const exists = (path: string) => access(path).then(() => true, () => false);

vscodeTest('rerun a demo run with one param changed: linked to its parent, Compare with Parent opens', async () => ({ workspace: await demoWorkspace() }), async (vscode) => {
  const ws = vscode.workspace;
  const [parentLog] = await runLogs(ws);
  const parentId = parentLog?.[0]?.id as string;
  assert.ok(parentId, 'the demo run was logged');
  // .trackside is git-ignored here, as users do; opening the view activates Trackside.
  await vscode.openTrackside();
  await startRerun(vscode, 'demo-train');

  const review = await dialogText(vscode);
  assert.match(review, /train\.py --lr 0\.1/);
  assert.match(review, /TRACKSIDE_PARENT_RUN=/);
  assert.match(review, new RegExp(`Working directory: ${ws.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  assert.match(review, /The code matches the recorded commit/);
  await vscode.screenshot('rerun-review');
  await clickDialogButton(vscode, 'Edit Params…');

  const lr = vscode.quickPickItems(/^lr/).first();
  await lr.waitFor({ state: 'visible' });
  await lr.click();
  const input = vscode.page.locator('.quick-input-widget input.input');
  await input.fill('0.2');
  await vscode.page.getByText('Will be sent as number 0.2').waitFor({ timeout: 10_000 });
  await input.press('Enter');
  const done = vscode.quickPickItems(/Done/).first();
  await done.waitFor({ state: 'visible' });
  await done.click();

  const edited = await dialogText(vscode);
  assert.match(edited, /train\.py --lr 0\.2/);
  assert.match(edited, /lr = 0\.1 → 0\.2\s+\(argument and environment\)/);
  assert.match(edited, /TRACKSIDE_CONFIG_OVERRIDES=\{"lr":0\.2\}/);
  await clickDialogButton(vscode, 'Run');

  const toast = await vscode.waitForNotification(/The rerun of 'demo-train' finished \(lr=0\.2\)/, 120_000);
  const child = (await runLogs(ws)).find((log) => log[0]?.parent === parentId);
  assert.ok(child, 'the new run names its parent');
  const override = child.find((r) => r.t === 'params' && r.source === 'override');
  assert.deepEqual(override?.params, { lr: 0.2 });
  // In the Runs view the rerun sits under its parent.
  const runsView = await vscode.view('Runs');
  const parentRow = await vscode.waitForTreeItem(runsView, 'demo-train');
  if ((await parentRow.getAttribute('aria-expanded')) === 'false') await parentRow.locator('.monaco-tl-twistie').click();
  const childRow = vscode.treeItems(runsView, 'demo-train').nth(1);
  await childRow.waitFor({ state: 'visible', timeout: 60_000 });
  // Nested below the parent (the explorer may put a folder node such as "reruns" in between).
  assert.ok(Number(await childRow.getAttribute('aria-level')) > Number(await parentRow.getAttribute('aria-level')));
  await vscode.screenshot('rerun-finished');
  await toast.getByRole('button', { name: 'Compare with Parent' }).click();
  await vscode.waitForTab('Compare 2 Runs', 60_000);
}, 300_000);

vscodeTest('a hostile recorded command is shown exactly and runs only when confirmed', async () => {
  const ws = await tempWorkspace();
  const marker = join(ws, 'marker');
  const injected = join(ws, 'injected');
  const start = { executable: '/bin/sh', cwd: ws, argv: ['-c', `touch ${marker}`, `$(touch ${injected})`] };
  await writeRun(ws, '20260101-120000-hhhhhhhh', e2eRun('20260101-120000-hhhhhhhh', 'hostile', 3, { start }));
  return { workspace: ws };
}, async (vscode) => {
  const marker = join(vscode.workspace, 'marker');
  const injected = join(vscode.workspace, 'injected');
  const exact = `/bin/sh -c 'touch ${marker}' '$(touch ${injected})'`;
  await vscode.waitForActivation();
  await startRerun(vscode, 'hostile');
  const text = await dialogText(vscode);
  assert.ok(text.includes(exact), `the dialog shows the exact command:\n${text}`);
  assert.match(text, /does not look like Python/);
  await vscode.screenshot('hostile-review');
  await clickDialogButton(vscode, 'Cancel');
  await delay(3000);
  assert.equal(await exists(marker), false, 'nothing ran without confirmation');

  await startRerun(vscode, 'hostile');
  assert.ok((await dialogText(vscode)).includes(exact));
  await clickDialogButton(vscode, 'Run');
  // Not a Python script run: a second, explicit yes that names why and shows the command again.
  await vscode.page.getByText('This rerun is not a Python script run. Run it anyway?').waitFor({ state: 'visible', timeout: 60_000 });
  const again = await dialogText(vscode);
  assert.ok(again.includes(exact), `the second dialog shows the exact command:\n${again}`);
  assert.equal(await exists(marker), false, 'nothing ran before the second yes');
  await clickDialogButton(vscode, 'Run It Anyway');
  const deadline = Date.now() + 60_000;
  while (!(await exists(marker)) && Date.now() < deadline) await delay(500);
  assert.equal(await exists(marker), true, 'the confirmed command ran');
  assert.equal(await exists(injected), false, 'the quoted argument was never run as a command');
});

vscodeTest('a working directory outside the workspace: no git runs there before the user agrees', async () => {
  const ws = await tempWorkspace();
  // A repository elsewhere whose own config runs a program on every git index refresh.
  const outside = await mkdtemp(join(tmpdir(), 'trackside-e2e-outside-'));
  const hook = join(outside, 'hook.sh');
  await writeFile(hook, `#!/bin/sh\ntouch '${join(ws, 'fsmonitor-ran')}'\nexit 1\n`);
  await chmod(hook, 0o755);
  await exec('git', ['init', '-q'], { cwd: outside });
  await writeFile(join(outside, 'train.py'), 'print(1)\n');
  await exec('git', ['add', '.'], { cwd: outside });
  await exec('git', ['commit', '-qm', 'c'], { cwd: outside, env: GIT_ENV });
  await exec('git', ['config', 'core.fsmonitor', hook], { cwd: outside });
  await writeRun(ws, '20260101-120000-oooooooo', e2eRun('20260101-120000-oooooooo', 'outside', 3, { start: { cwd: outside } }));
  return { workspace: ws };
}, async (vscode) => {
  const marker = join(vscode.workspace, 'fsmonitor-ran');
  await vscode.waitForActivation();
  await startRerun(vscode, 'outside');
  const question = await dialogText(vscode);
  assert.match(question, /outside this workspace/);
  assert.match(question, /trackside-e2e-outside-/, `the question names the folder:\n${question}`);
  assert.equal(await exists(marker), false, 'no git ran before the question was answered');
  await clickDialogButton(vscode, 'Review Without Checking');
  await vscode.page.getByText(/not checked/).first().waitFor({ state: 'visible', timeout: 60_000 });
  await vscode.screenshot('rerun-outside-not-checked');
  await clickDialogButton(vscode, 'Cancel');
  await delay(1000);
  assert.equal(await exists(marker), false, 'no git ran in the outside repository');
});

vscodeTest('in Restricted Mode the rerun command explains why it is unavailable', async () => {
  const ws = await tempWorkspace();
  await writeRun(ws, '20260101-120000-rrrrrrrr', e2eRun('20260101-120000-rrrrrrrr', 'restricted', 3));
  return { workspace: ws, trust: false, trustAnswer: 'restricted' as const };
}, async (vscode) => {
  // The palette lists what is registered when it opens: wait until Trackside's contributions are in.
  await vscode.waitForActivation();
  await vscode.runCommand('Trackside: Rerun Configuration…');
  const toast = await vscode.waitForNotification(/Rerun is disabled in Restricted Mode/, 60_000);
  assert.match(await toast.innerText(), /Trust this workspace/);
  assert.equal(await dialog(vscode).count(), 0, 'no review of a command is offered');
  await vscode.screenshot('rerun-restricted');
});

vscodeTest('code drift: differences shown, rerun at the recorded commit in a worktree, already-ran asked, reproduction reported', async () => {
  const ws = await demoWorkspace();
  // The user has since changed the training code (not committed).
  await writeFile(join(ws, 'train.py'), TRAIN.replace('1.0 / (1 + lr * step)', '2.0 / (1 + lr * step)'));
  return { workspace: ws };
}, async (vscode) => {
  const ws = vscode.workspace;
  const [parentLog] = await runLogs(ws);
  const parentId = parentLog?.[0]?.id as string;
  const parentCommit = (parentLog?.[0]?.env as { git?: { commit?: string } }).git?.commit;
  await vscode.openTrackside();
  await startRerun(vscode, 'demo-train');

  const review = await dialogText(vscode);
  assert.match(review, /The code has changed since this run/);
  assert.match(review, /Code drift: 1 file differs from the recorded commit [0-9a-f]{10}: train\.py\./);
  await clickDialogButton(vscode, 'Show Differences');
  await vscode.waitForTab(/train\.py.*recorded ↔ working tree/);
  // The left side is the recorded code (served from git), the right side the working file.
  const side = (which: 'original' | 'modified') => vscode.page.locator(`.monaco-diff-editor .editor.${which} .view-lines`);
  const sideText = async (which: 'original' | 'modified') => (await side(which).innerText()).replace(/\u00a0/g, ' ');
  await side('original').filter({ hasText: /1\.0/ }).waitFor({ timeout: 30_000 });
  assert.match(await sideText('original'), /1\.0 \/ \(1 \+ lr \* step\)/);
  assert.match(await sideText('modified'), /2\.0 \/ \(1 \+ lr \* step\)/);
  await vscode.screenshot('rerun-drift-diff');
  const back = await vscode.waitForNotification(/Showing how the code differs/);
  await back.getByRole('button', { name: 'Review Rerun…' }).click();

  await dialogText(vscode);
  await clickDialogButton(vscode, 'Run at Recorded Commit');
  const inWorktree = await dialogText(vscode);
  const worktree = /temporary git worktree (\S+)/.exec(inWorktree)?.[1];
  assert.ok(worktree && worktree.includes('trackside-rerun-'), inWorktree);
  assert.match(inWorktree, new RegExp(`Working directory: ${worktree.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  await clickDialogButton(vscode, 'Run');

  const known = await dialogText(vscode);
  assert.match(known, /This configuration already ran/);
  assert.ok(known.includes(parentId), known);
  assert.match(known, /train\/loss = /);
  await clickDialogButton(vscode, 'Rerun to Check Reproducibility');

  const toast = await vscode.waitForNotification(/The rerun of 'demo-train' finished\. Reproduced the parent's metrics exactly/, 120_000);
  await vscode.screenshot('rerun-reproduced');
  const child = (await runLogs(ws)).find((log) => log[0]?.parent === parentId);
  const childGit = (child?.[0]?.env as { git?: { commit?: string; dirty?: boolean } } | undefined)?.git;
  assert.equal(childGit?.commit, parentCommit, 'the rerun ran at the recorded commit');
  assert.equal(childGit?.dirty, false);
  assert.match(await readFile(join(ws, 'train.py'), 'utf8'), /2\.0 \/ \(1 \+ lr \* step\)/, "the user's checkout is unchanged");
  await toast.getByRole('button', { name: 'Compare with Parent' }).click();
  await vscode.waitForTab('Compare 2 Runs', 60_000);

  // Closing the rerun's terminal removes the worktree.
  await vscode.runCommand('Terminal: Kill All Terminals');
  const deadline = Date.now() + 30_000;
  while ((await exists(worktree)) && Date.now() < deadline) await delay(500);
  assert.equal(await exists(worktree), false, 'the worktree is removed');
  const { stdout } = await exec('git', ['worktree', 'list'], { cwd: ws });
  assert.equal(stdout.trim().split('\n').length, 1, stdout);
}, 300_000);
