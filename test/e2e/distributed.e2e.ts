// A distributed run in a real VS Code (code-server: the extension host runs on the server, the remote case):
// three rank segments on two hosts make one row with its ranks beneath, the crashed rank is named, and the
// dashboard shows the step rate of every rank. Also checks the extension runs in the workspace extension host.
import assert from 'node:assert/strict';
import { mkdir, readdir, readFile, utimes, writeFile } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from '../../scripts/vscode-server';
import { E2E_START, delay, tempWorkspace, vscodeTest, type VSCode } from './harness';
import { heartbeat, logText, metrics, params, start, status, system, type LogRecord } from '../fixtures/records';

const RUN_ID = '20260101-120000-ddp00001';
const NAME = 'ddp-job';
const HOSTS = ['gpu-node-a', 'gpu-node-a', 'gpu-node-b'];
/** Steps per second each rank makes: rank 2 is the straggler, and it stops (crashes) at 200 s. */
const RATES = [1, 0.95, 0.5];

/** The `start` record of rank `rank` (docs/log-format.md and the ranks contract: every segment starts with one). */
function rankStart(rank: number, t0: number): string {
  const rec = {
    ...start({ id: RUN_ID, ts: t0, ...E2E_START, name: NAME, env: rank === 0 ? { hostname: HOSTS[0] } : {} }),
    rank: { rank, world_size: 3, local_rank: rank === 2 ? 0 : rank, host: HOSTS[rank], pid: 4100 + rank, pid_start: null, boot_id: null, launcher: 'torchrun' },
  };
  return JSON.stringify(rec);
}

/**
 * Rank 0 logs metrics every step; ranks 1 and 2 report their step in heartbeats every 15 s; every rank logs
 * system metrics. Ranks 0 and 1 finish at 300 s; rank 2 stops writing at 200 s with no status (a crash).
 */
function segment(rank: number, t0: number): Array<LogRecord | string> {
  const lines: Array<LogRecord | string> = [rankStart(rank, t0)];
  if (rank === 0) lines.push(params({ lr: 0.1, world_size: 3 }, { ts: t0 }));
  const end = rank === 2 ? 200 : 300;
  for (let s = 0; s <= end; s += 1) {
    const ts = t0 + s;
    const step = Math.floor(s * RATES[rank]!);
    if (rank === 0) lines.push(metrics(step, { 'train/loss': 1 / (1 + 0.05 * step) }, ts));
    if (s % 15 === 0) {
      lines.push(rank === 0 ? heartbeat(ts) : JSON.stringify({ ...heartbeat(ts), step }));
      lines.push(system({ cpu_percent: 40 + 10 * rank + 8 * Math.sin(s / 40 + rank), mem_percent: 30 + rank + s / 60 }, ts));
    }
  }
  if (rank !== 2) lines.push(status('finished', { ts: t0 + end }));
  return lines;
}

/** A standalone run that logs a step every 200 ms until killed (the bundled logger, standard library only). */
const LIVE_SCRIPT = `
import time, trackside
run = trackside.init(project="e2e", name="solo-live")
for i in range(100000):
    run.log({"train/loss": 1.0 / (1 + i)})
    time.sleep(0.2)
`;

async function distributedWorkspace(): Promise<string> {
  const ws = await tempWorkspace();
  const dir = join(ws, '.trackside', 'runs', RUN_ID);
  await mkdir(dir, { recursive: true });
  const t0 = Date.now() / 1000 - 900;
  for (const rank of [0, 1, 2]) {
    const file = join(dir, rank === 0 ? 'events.jsonl' : `events.rank-${rank}.jsonl`);
    await writeFile(file, logText(segment(rank, t0)));
    // Another host's rank is judged by how long its file has been still (not by its records' clock): rank 2's
    // file was last written when it died, 200 s into the job.
    const last = new Date((t0 + (rank === 2 ? 200 : 300)) * 1000);
    await utimes(file, last, last);
  }
  return ws;
}

/** Drags the side bar wider, so rank rows' descriptions show in the screenshot. */
async function widenSideBar(vscode: VSCode): Promise<void> {
  const box = await vscode.page.locator('.part.sidebar').boundingBox();
  if (!box || box.width >= 500) return;
  const x = box.x + box.width + 1;
  await vscode.page.mouse.move(x, box.y + 300);
  await vscode.page.mouse.down();
  await vscode.page.mouse.move(x + 560 - box.width, box.y + 300, { steps: 8 });
  await vscode.page.mouse.up();
  await vscode.page.mouse.move(900, 700);
  await delay(300);
}

async function filesUnder(dir: string, match: RegExp): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries.filter((e) => e.isFile() && match.test(e.name)).map((e) => join(e.parentPath, e.name));
}

vscodeTest('a distributed run: one row with its three ranks, the crashed rank named, step rate per rank on the dashboard', async () => ({ workspace: await distributedWorkspace(), theme: 'dark' }), async (vscode) => {
  await vscode.openTrackside();
  const runs = await vscode.view('Runs');
  await vscode.waitForTreeItemByLabel(runs, NAME);
  // The extension runs where the files are: in code-server that is the server's (workspace) extension host,
  // whose log is remoteexthost.log; a UI or web extension would activate in the browser's worker instead.
  const hostLogs = await filesUnder(join(vscode.server.userDataDir, 'logs'), /^remoteexthost\.log$/);
  const activated = (await Promise.all(hostLogs.map((f) => readFile(f, 'utf8')))).some((t) => /_doActivateExtension trackside\.trackside/.test(t));
  assert.ok(activated, `Trackside activated in the workspace extension host (logs: ${hostLogs.join(', ') || 'none'})`);
  const manifest = JSON.parse(await readFile(join(vscode.server.extensionsDir, 'trackside.trackside-0.1.0', 'package.json'), 'utf8')) as { extensionKind?: string[] };
  assert.deepEqual(manifest.extensionKind, ['workspace']);

  const row = await vscode.waitForTreeItem(runs, /3 ranks/);
  assert.equal(await vscode.treeItems(runs, NAME).count(), 1, 'one row for the job, not one per rank');
  const description = await row.locator('.label-description').innerText();
  assert.match(description, /rank 2 on gpu-node-b crashed/);
  assert.match(description, /3 ranks on 2 hosts/);

  // Ranks beneath the row: the Ranks section opens by itself.
  await row.click();
  const rank2 = await vscode.waitForTreeItemByLabel(runs, 'rank 2');
  for (const r of ['rank 0', 'rank 1']) await vscode.waitForTreeItemByLabel(runs, r);
  const rank2Text = await rank2.locator('.label-description').innerText();
  assert.match(rank2Text, /gpu-node-b/);
  assert.match(rank2Text, /crashed/);
  assert.match(rank2Text, /0\.50 steps\/s/);
  assert.equal(await rank2.locator('.codicon-warning').count(), 1, 'the crashed rank has the crashed icon');
  assert.match(await (await vscode.waitForTreeItemByLabel(runs, 'rank 0')).locator('.label-description').innerText(), /gpu-node-a/);
  await widenSideBar(vscode);
  await vscode.screenshot('distributed-runs');

  await row.click();
  await vscode.runCommand('Trackside: Open Run Dashboard');
  await vscode.pickQuickItem(NAME);
  const frame = vscode.webview();
  const rows = frame.locator('table.rank-rates tbody tr');
  await rows.nth(2).waitFor({ state: 'visible', timeout: 30_000 });
  assert.equal(await rows.count(), 3, 'a step-rate row per rank');
  const texts = await rows.allInnerTexts();
  assert.match(texts[2]!, /gpu-node-b/);
  for (const t of texts) assert.match(t, /steps\/s|—/);
  assert.match(await frame.locator('.ranks').innerText(), /Rank 2 on gpu-node-b crashed/);
  // Per-host system metrics, when the store keys them by host (system/<host>/<key>).
  const titles = await frame.locator('h3.group-title').allInnerTexts();
  await delay(500);
  await vscode.screenshot('distributed-dashboard');
  assert.ok(titles.some((t) => /System · gpu-node-a/i.test(t)), `rank 0's host has its system group (groups: ${titles.join(', ')})`);
  assert.ok(titles.some((t) => /System · gpu-node-b/i.test(t)), `the other host has its own (groups: ${titles.join(', ')})`);
  await frame.locator('h3.group-title', { hasText: 'System · gpu-node-a' }).scrollIntoViewIfNeeded();
  await frame.locator('h3.group-title', { hasText: 'System · gpu-node-b' }).locator('xpath=following-sibling::div[1]//canvas').first().waitFor({ state: 'visible' });
  await delay(500);
  await vscode.screenshot('distributed-hosts');

  // A run on this host whose process is SIGKILLed shows crashed within seconds (the one-second liveness check
  // while a run on this host runs), not after the two-minute heartbeat timeout.
  const writer = spawn('python3', ['-c', LIVE_SCRIPT], {
    env: { ...process.env, PYTHONPATH: join(repoRoot, 'logger'), TRACKSIDE_DIR: join(vscode.workspace, '.trackside') },
    stdio: 'ignore',
  });
  try {
    const live = await vscode.waitForTreeItemByLabel(runs, 'solo-live', 60_000);
    await live.locator('.codicon-sync').waitFor({ state: 'visible', timeout: 30_000 });
    await delay(1500);
    const killedAt = Date.now();
    writer.kill('SIGKILL');
    await live.locator('.codicon-warning').waitFor({ state: 'visible', timeout: 20_000 });
    const seenMs = Date.now() - killedAt;
    console.log(`crash of a same-host run seen in the tree ${seenMs} ms after SIGKILL`);
    assert.ok(seenMs <= 5000, `crash seen in ${seenMs} ms`);
  } finally {
    if (writer.exitCode === null) writer.kill('SIGKILL');
  }
}, 240_000);
