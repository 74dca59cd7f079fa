// Smoke checks from inside the extension host, run by @vscode/test-electron (`npm run test:integration`) in a
// downloaded VS Code. The same things the e2e suite checks through the UI: the extension activates on a
// workspace with runs, its container opens, its commands are registered and run, and it sees the runs.
import assert from 'node:assert/strict';
import * as vscode from 'vscode';

type Check = [name: string, body: () => Promise<void>];

const EXTENSION_ID = 'trackside.trackside';

const checks: Check[] = [
  ['activates on a workspace that holds run logs', async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is installed`);
    await waitFor(() => extension.isActive, 'the extension to activate (workspaceContains)');
  }],
  ['contributes and registers its commands', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    const contributed = (extension?.packageJSON as { contributes?: { commands?: { command: string }[] } })
      .contributes?.commands?.map((c) => c.command) ?? [];
    assert.ok(contributed.includes('trackside.refresh'));
    const missing = contributed.filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], 'every contributed command has a handler');
  }],
  ['opens the Trackside container', async () => {
    await vscode.commands.executeCommand('workbench.view.extension.trackside');
  }],
  ['refreshes runs without an error', async () => {
    await vscode.commands.executeCommand('trackside.refresh');
  }],
  ['finds the run log in the workspace', async () => {
    const logs = await vscode.workspace.findFiles('.trackside/runs/*/events.jsonl');
    assert.equal(logs.length, 1);
  }],
];

/** Entry point test-electron calls in the extension host; rejecting fails the run. */
export async function run(): Promise<void> {
  const failures: string[] = [];
  for (const [name, body] of checks) {
    try {
      await body();
      console.log(`✔ ${name}`);
    } catch (err) {
      failures.push(name);
      console.error(`✖ ${name}\n  ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
    }
  }
  console.log(`${checks.length - failures.length} passed, ${failures.length} failed`);
  if (failures.length) throw new Error(`${failures.length} integration check(s) failed`);
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
