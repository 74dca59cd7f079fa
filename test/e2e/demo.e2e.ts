// The demo as a new user sees it: real training runs (finished, failed, killed, crashed, one still training)
// listed in a real VS Code, the live one still growing. Named screenshots double as the README's images
// (TRACKSIDE_SCREENSHOTS=docs/images npm run test:e2e -- demo).
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { makeDemoWorkspace, type DemoWorkspace } from '../../scripts/demo-workspace';
import { repoRoot } from '../../scripts/vscode-server';
import { delay, vscodeTest } from './harness';

let demo: DemoWorkspace | undefined;
after(() => demo?.stop());

async function liveSteps(dir: string): Promise<number> {
  const runs = join(dir, '.trackside', 'runs');
  for (const id of await readdir(runs)) {
    const text = await readFile(join(runs, id, 'events.jsonl'), 'utf8');
    if (text.slice(0, text.indexOf('\n')).includes('"name":"live"')) return text.split('"t":"metrics"').length - 1;
  }
  return 0;
}

vscodeTest('the demo workspace lists real runs and the live run keeps growing', async () => {
  demo = await makeDemoWorkspace({
    dir: join(await mkdtemp(join(tmpdir(), 'trackside-demo-')), 'demo-workspace'),
    liveDelay: 0.5,
    echo: () => {},
  });
  return { workspace: demo.dir, env: { PYTHONPATH: join(repoRoot, 'logger') } };
}, async (vscode) => {
  await vscode.openTrackside();
  const runs = await vscode.view('Runs');
  for (const name of ['live', 'diverged', 'stopped', 'lost-worker', 'logistic', 'cosine-l2', 'lr-sweep']) {
    await vscode.waitForTreeItemByLabel(runs, name);
  }
  assert.match(await vscode.treeItemByLabel(runs, 'diverged').innerText(), /FloatingPointError/);
  await vscode.screenshot('demo-explorer');

  const before = await liveSteps(vscode.workspace);
  await delay(3000);
  assert.ok((await liveSteps(vscode.workspace)) > before, 'the live run is still logging');

  await (await vscode.waitForTreeItemByLabel(runs, 'live')).click();
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
