// A sweep in a real VS Code, end to end: started from its CodeLens it shows as a sweep node in the Runs view (progress,
// best, counts) with its trial runs as children and opens its panel (from its status bar item and from the node);
// Pause and Resume on the node hold and release new trials; Stop on the node stops it; after a window
// reload Resume on the node goes on to the end without relaunching the trials that had finished.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { delay, tempWorkspace, vscodeTest, type VSCode } from './harness';

const exec = promisify(execFile);
const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' };

// Slow enough (about 2 s a trial) for the test to stop the sweep midway.
const TRAIN = `import math, time
import trackside
with trackside.init(config={"lr": 0.1, "width": 8}) as run:
    c = run.config
    for step in range(1, 7):
        run.log({"loss": (math.log10(c["lr"]) + 1.5) ** 2 + 0.1 * c["width"] / step}, step=step)
        time.sleep(0.3)
`;

const SWEEP = `program: train.py
method: grid
metric: {name: loss, goal: minimize}
parameters:
  lr: {values: [0.01, 0.1, 1.0]}
  width: {values: [4, 8]}
concurrency: 1
`;

async function workspace(): Promise<string> {
  const ws = await tempWorkspace();
  await writeFile(join(ws, 'train.py'), TRAIN);
  await writeFile(join(ws, 'hp.sweep.yaml'), SWEEP);
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

interface Event {
  t: string;
  n: number;
  params?: { lr: number; width: number };
  outcome?: string;
}

async function events(ws: string, id: string): Promise<Event[]> {
  const text = await readFile(join(ws, '.trackside', 'sweeps', id, 'trials.jsonl'), 'utf8');
  return text.trim().split('\n').map((l) => JSON.parse(l) as Event);
}

const NODE = /hp-[0-9a-f]{8}/;

vscodeTest(
  'a sweep shows as a node with its trials and its panel, is stopped from the node, and resumes after a reload without relaunching finished trials',
  async () => ({ workspace: await workspace() }),
  async (vscode) => {
    await vscode.openTrackside();
    await openFile(vscode, 'hp.sweep.yaml');
    const lens = vscode.page.locator('.codelens-decoration a', { hasText: 'Run sweep' }).first();
    await lens.waitFor({ state: 'visible', timeout: 60_000 });
    await lens.click();
    const runs = await vscode.view('Runs');
    // The node says where the sweep stands: n/N, the best so far and the counts, while it runs.
    let node = await vscode.waitForTreeItem(runs, /hp-[0-9a-f]{8}.*1\/6 · best [\d.]+ · 1 running, 0 pruned, 0 failed/, 120_000);
    const id = NODE.exec((await node.innerText()) ?? '')![0];
    // The node by its label alone: its description changes as the sweep moves.
    node = vscode.treeItems(runs, id).first();
    // The status bar item of the running sweep opens its panel, which shows it running.
    await vscode.page.locator('.part.statusbar .statusbar-item', { hasText: 'hp.sweep.yaml' }).first().click();
    await vscode.waitForTab(new RegExp(`Sweep: ${id}`), 30_000);
    let panel = vscode.webview();
    await panel.locator('[data-phase="running"]').waitFor({ timeout: 30_000 });
    // Pause: the running trial ends normally and no new one starts; Resume goes on.
    await vscode.contextMenu(node, 'Pause Sweep');
    await panel.locator('[data-phase="paused"]').waitFor({ timeout: 30_000 });
    // The running trial may have ended just before the pause took hold, and the next one run: 2 or 3 done.
    const paused = new RegExp(`${id}.*[23]/6 · best [\\d.]+ · 0 running, 0 pruned, 0 failed · paused`);
    await vscode.waitForTreeItem(runs, paused, 60_000);
    await delay(2000);
    assert.equal(await vscode.treeItems(runs, paused).count(), 1, 'nothing was launched while paused');
    await vscode.contextMenu(node, 'Resume Sweep');
    await panel.locator('[data-phase="running"]').waitFor({ timeout: 30_000 });
    await vscode.waitForTreeItem(runs, new RegExp(`${id}.*[234]/6 · best [\\d.]+ · 1 running, 0 pruned, 0 failed`), 60_000);
    await vscode.contextMenu(node, 'Stop Sweep');
    await panel.locator('[data-phase="stopped"]').waitFor({ timeout: 60_000 });
    await vscode.waitForTreeItem(runs, new RegExp(`${id}.*· stopped`), 60_000);
    await vscode.waitForNotification(new RegExp(`sweep ${id} stopped`), 60_000);
    const before = await events(vscode.workspace, id);
    const finishedBefore = before.filter((e) => e.t === 'end' && e.outcome === 'finished').map((e) => e.n);
    assert.ok(finishedBefore.length >= 2, JSON.stringify(before));

    // Its trials are the node's children.
    await node.click();
    await vscode.waitForTreeItem(runs, /train-[0-9a-f]{8}/, 30_000);
    assert.ok((await vscode.treeItems(runs, /train-[0-9a-f]{8}/).count()) >= 2);

    await vscode.contextMenu(node, 'Open Sweep Panel');
    await vscode.waitForTab(new RegExp(`Sweep: ${id}`), 30_000);
    panel = vscode.webview();
    await panel.locator('[data-phase="stopped"]').waitFor({ timeout: 30_000 });
    assert.ok((await panel.locator('tr[data-trial]').count()) >= 3, 'finished trials and the stopped one');
    await panel.locator('.importance, .empty').first().waitFor();
    await vscode.screenshot('sweep-panel-stopped');

    // A window reload: the extension host restarts, the sweep's state is read back from its folder.
    await vscode.page.reload();
    await vscode.page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
    await vscode.openTrackside();
    const runsAgain = await vscode.view('Runs');
    await vscode.waitForTreeItem(runsAgain, new RegExp(`${id}.*· stopped`), 60_000);
    node = vscode.treeItems(runsAgain, id).first();
    // The panel, opened on the stopped sweep, follows it live once it is resumed from the node.
    await vscode.contextMenu(node, 'Open Sweep Panel');
    await vscode.waitForTab(new RegExp(`Sweep: ${id}`), 30_000);
    panel = vscode.webview();
    await panel.locator('[data-phase="stopped"]').waitFor({ timeout: 30_000 });
    // A context menu can swallow the click that would run its item and close (seen once in CI): ask again.
    for (let attempt = 1; ; attempt++) {
      await vscode.contextMenu(node, 'Resume Sweep');
      const running = await panel.locator('[data-phase="running"]').waitFor({ timeout: 20_000 }).then(() => true, () => false);
      if (running) break;
      assert.ok(attempt < 3, 'the sweep panel never showed the sweep running after Resume Sweep from the node');
    }
    await vscode.waitForNotification(new RegExp(`sweep ${id} finished: 6 trials, 0 pruned, 0 failed`), 120_000);
    await vscode.waitForTreeItem(runsAgain, new RegExp(`${id}.*6/6 · best [\\d.]+ · 0 running, 0 pruned, 0 failed · finished`), 30_000);
    await panel.locator('[data-phase="finished"]').waitFor({ timeout: 30_000 });
    await delay(500);
    assert.equal(await panel.locator('tr[data-trial][data-outcome="finished"]').count(), 6);
    await panel.locator('.importance').waitFor();
    await vscode.screenshot('sweep-panel-finished');
    await panel.locator('.importance').scrollIntoViewIfNeeded();
    await vscode.screenshot('sweep-panel-finished-importance');

    const after = await events(vscode.workspace, id);
    const launched = after.filter((e) => e.t === 'trial');
    const finished = new Set(after.filter((e) => e.t === 'end' && e.outcome === 'finished').map((e) => e.n));
    const configs = launched.filter((e) => finished.has(e.n)).map((e) => JSON.stringify(e.params));
    assert.equal(new Set(configs).size, 6, `every configuration finished once: ${configs.join(' ')}`);
    for (const n of finishedBefore) assert.ok(finished.has(n), `trial ${n} kept its result`);
    const relaunched = launched.filter((e) => finishedBefore.some((f) => JSON.stringify(before.find((b) => b.t === 'trial' && b.n === f)!.params) === JSON.stringify(e.params)));
    assert.equal(relaunched.length, finishedBefore.length, 'no trial that had finished was launched again');
  },
  360_000,
);
