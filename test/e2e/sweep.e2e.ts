// Sweeps in a real VS Code: the "Run sweep" CodeLens on a sweep file runs a grid whose trials appear in the Runs
// view, and in Restricted Mode the lens refuses to run anything.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { LOG_FILE } from '../../src/store';
import { delay, tempWorkspace, vscodeTest, type VSCode } from './harness';

const exec = promisify(execFile);
const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' };

// No sys.path change: the extension puts its bundled logger on the trials' PYTHONPATH.
const TRAIN = `import trackside
with trackside.init(config={"lr": 0.1, "width": 8}) as run:
    for step in range(3):
        run.log({"loss": run.config["lr"] * run.config["width"] / (step + 1)}, step=step)
`;

const SWEEP = `program: train.py
method: grid
metric: {name: loss, goal: minimize}
parameters:
  lr: {values: [0.01, 0.1]}
  width: {value: 4}
`;

async function sweepWorkspace(): Promise<string> {
  const ws = await tempWorkspace();
  await writeFile(join(ws, 'train.py'), TRAIN);
  await writeFile(join(ws, 'grid.sweep.yaml'), SWEEP);
  await writeFile(join(ws, '.gitignore'), '.trackside/\n');
  await exec('git', ['init', '-q'], { cwd: ws });
  await exec('git', ['add', '.'], { cwd: ws });
  await exec('git', ['commit', '-qm', 'sweep'], { cwd: ws, env: GIT_ENV });
  return ws;
}

async function openFile(vscode: VSCode, name: string): Promise<void> {
  await vscode.page.keyboard.press('Control+P');
  const input = vscode.page.locator('.quick-input-widget input.input');
  await input.waitFor({ state: 'visible' });
  await input.fill(name);
  await vscode.quickPickItems(name).first().waitFor({ state: 'visible', timeout: 60_000 });
  await vscode.page.keyboard.press('Enter');
  await vscode.waitForTab(name, 60_000);
}

async function trialGroups(ws: string): Promise<string[]> {
  const root = join(ws, '.trackside', 'runs');
  const ids = await readdir(root).catch(() => [] as string[]);
  const starts = await Promise.all(ids.map((id) => readFile(join(root, id, LOG_FILE), 'utf8').then((t) => JSON.parse(t.split('\n')[0]) as { group?: string }, () => ({}) as { group?: string })));
  return starts.map((s) => s.group ?? '');
}

function lens(vscode: VSCode) {
  return vscode.page.locator('.codelens-decoration a', { hasText: 'Run sweep' }).first();
}

vscodeTest('the Run sweep lens runs a grid sweep: its trials show in the Runs view, grouped by the sweep', async () => ({ workspace: await sweepWorkspace() }), async (vscode) => {
  await vscode.openTrackside();
  await openFile(vscode, 'grid.sweep.yaml');
  await lens(vscode).waitFor({ state: 'visible', timeout: 60_000 });
  await lens(vscode).click();
  await vscode.waitForNotification(/sweep grid-[0-9a-f]{8} finished: 2 trials, 0 pruned, 0 failed; best 0\.0133/, 150_000);
  const groups = await trialGroups(vscode.workspace);
  assert.equal(groups.length, 2);
  assert.ok(groups.every((g) => /^grid-[0-9a-f]{8}$/.test(g)), groups.join(', '));
  // The trials are one group in the Runs view, named by the sweep id; expanding it lists the trial runs.
  const runs = await vscode.view('Runs');
  const group = await vscode.waitForTreeItem(runs, /grid-[0-9a-f]{8}\s*2\/2 · best 0\.0133\d* · 0 running, 0 pruned, 0 failed · finished/, 60_000);
  await group.click();
  await vscode.waitForTreeItem(runs, /train-[0-9a-f]{8}/, 60_000);
  await vscode.screenshot('sweep-finished');
});

vscodeTest('in Restricted Mode the Run sweep lens refuses to run the sweep', async () => ({ workspace: await sweepWorkspace(), trust: false }), async (vscode) => {
  await vscode.page.locator('.statusbar-item', { hasText: /Restricted Mode/ }).first().waitFor({ state: 'visible', timeout: 60_000 });
  await vscode.openTrackside();
  await openFile(vscode, 'grid.sweep.yaml');
  await lens(vscode).waitFor({ state: 'visible', timeout: 60_000 });
  await lens(vscode).click();
  await vscode.waitForNotification(/sweeps are disabled in Restricted Mode/, 60_000);
  await delay(2000);
  assert.deepEqual(await trialGroups(vscode.workspace), [], 'nothing ran');
});
