// The demo as a new user gets it: real training processes leave finished, failed, killed, crashed and live runs,
// and a real VS Code lists them with the live one still growing. Named screenshots double as the README's
// images (TRACKSIDE_SCREENSHOTS=docs/images npm run test:e2e -- demo).
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { makeDemoWorkspace, type DemoWorkspace } from '../../scripts/demo-workspace';
import { repoRoot } from '../../scripts/vscode-server';
import { LOG_FILE } from '../../src/store';
import { delay, vscodeTest } from './harness';

let demo: DemoWorkspace;

before(async () => {
  demo = await makeDemoWorkspace({
    dir: join(await mkdtemp(join(tmpdir(), 'trackside-demo-')), 'demo-workspace'),
    liveDelay: 0.5,
    echo: () => {},
  });
});
after(() => demo?.stop());

interface RunLog {
  id: string;
  records: { t: string; [key: string]: unknown }[];
}

/** Every run of the demo by name, parsed (a torn last line of the live run is left out). */
async function readRuns(): Promise<Map<string, RunLog>> {
  const dir = join(demo.dir, '.trackside', 'runs');
  const out = new Map<string, RunLog>();
  for (const id of await readdir(dir)) {
    const lines = (await readFile(join(dir, id, LOG_FILE), 'utf8')).split('\n').slice(0, -1);
    const records = lines.map((line) => JSON.parse(line) as RunLog['records'][number]);
    out.set(String(records[0]?.name), { id, records });
  }
  return out;
}

function last(run: RunLog | undefined, kind: string): Record<string, unknown> | undefined {
  return run?.records.filter((r) => r.t === kind).at(-1);
}

test('the demo generator leaves runs in every state, from real processes', async () => {
  const runs = await readRuns();
  assert.deepEqual([...runs.keys()].sort(), [
    'cosine-l2', 'diverged', 'live', 'logistic', 'lost-worker', 'lr-0.1', 'lr-0.3', 'lr-1.0', 'momentum-wide', 'stopped',
  ]);
  for (const name of ['lr-0.1', 'lr-0.3', 'lr-1.0', 'logistic', 'momentum-wide', 'cosine-l2']) {
    assert.equal(last(runs.get(name), 'status')?.status, 'finished', name);
    assert.ok(runs.get(name)?.records.some((r) => r.t === 'artifact' && r.kind === 'model'), `${name} saved its model`);
  }
  const failed = last(runs.get('diverged'), 'status');
  assert.equal(failed?.status, 'failed');
  assert.equal((failed?.error as { type?: string } | undefined)?.type, 'FloatingPointError');
  assert.deepEqual(
    [last(runs.get('stopped'), 'status')?.status, last(runs.get('stopped'), 'status')?.signal],
    ['killed', 'SIGTERM'],
  );
  // SIGKILL leaves no word: the run just stops, and readers call it crashed once it has been silent long enough.
  assert.equal(last(runs.get('lost-worker'), 'status'), undefined);
  assert.ok((runs.get('lost-worker')?.records.filter((r) => r.t === 'metrics').length ?? 0) >= 80);
  assert.equal(last(runs.get('live'), 'status'), undefined);
  // The run started after an uncommitted edit records the diff; the committed ones are clean.
  const edited = runs.get('cosine-l2')?.records[0]?.env as { git?: { dirty?: boolean; diff_artifact?: string } } | undefined;
  assert.equal(edited?.git?.dirty, true);
  assert.ok(edited?.git?.diff_artifact);
  const clean = runs.get('lr-0.3')?.records[0]?.env as { git?: { dirty?: boolean } } | undefined;
  assert.equal(clean?.git?.dirty, false);
});

async function liveSteps(): Promise<number> {
  return (await readRuns()).get('live')?.records.filter((r) => r.t === 'metrics').length ?? 0;
}

vscodeTest('the demo workspace lists its runs in VS Code and the live run keeps growing', async () => ({
  workspace: demo.dir,
  env: { PYTHONPATH: join(repoRoot, 'logger') },
}), async (vscode) => {
  await vscode.openTrackside();
  const runs = await vscode.view('Runs');
  for (const name of ['live', 'diverged', 'stopped', 'lost-worker', 'logistic', 'cosine-l2', 'momentum-wide', 'lr-sweep']) {
    await vscode.waitForTreeItemByLabel(runs, name);
  }
  assert.match(await vscode.treeItemByLabel(runs, 'diverged').innerText(), /FloatingPointError/);
  await vscode.screenshot('demo-explorer');

  const before = await liveSteps();
  await delay(3000);
  assert.ok((await liveSteps()) > before, 'the live run is still logging');

  await vscode.runCommand('Trackside: Open Run Dashboard');
  await vscode.pickQuickItem('live');
  const frame = vscode.webview();
  await frame.locator('canvas').first().waitFor({ state: 'visible', timeout: 30_000 });
  // The dashboard follows the live run: what it shows changes as steps arrive.
  const first = await frame.locator('body').innerText();
  await delay(4000);
  assert.notEqual(await frame.locator('body').innerText(), first, 'the live dashboard updates');
  await vscode.screenshot('demo-dashboard');
}, 240_000);
