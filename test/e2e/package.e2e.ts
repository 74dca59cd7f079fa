// What users install is what is tested: package the .vsix, install it with `code-server --install-extension`,
// and see it activate and list runs.
import assert from 'node:assert/strict';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before } from 'node:test';
import { packageVsix, SIZE_BUDGET, type PackageResult } from '../../scripts/package';
import { e2eRun, tempWorkspace, vscodeTest, writeRun } from './harness';

let vsix: PackageResult;

before(async () => {
  // `npm run test:e2e` has just built dist/; packaging again would only repeat it.
  vsix = await packageVsix(join(await mkdtemp(join(tmpdir(), 'trackside-vsix-')), 'trackside.vsix'), { build: false });
});

vscodeTest('the packaged .vsix is small, installs into VS Code and activates', async () => {
  const workspace = await tempWorkspace();
  await writeRun(workspace, '20260102-090000-dddddddd', e2eRun('20260102-090000-dddddddd', 'from-vsix', 10));
  return { workspace, vsix: vsix.path };
}, async (vscode) => {
  assert.ok(vsix.bytes <= SIZE_BUDGET, `${vsix.bytes} bytes`);
  assert.ok(!vsix.files.some((f) => f.endsWith('.ts') || f.endsWith('.map') || f.includes('node_modules/')));
  await vscode.waitForActivation();
  const log = await vscode.extensionHostLog();
  assert.match(log, /trackside\.trackside/);
  // Installed, not copied: VS Code recorded the install from the .vsix in its extensions manifest.
  const installed = JSON.parse(await readFile(join(vscode.server.extensionsDir, 'extensions.json'), 'utf8')) as { identifier: { id: string } }[];
  assert.deepEqual(installed.map((e) => e.identifier.id), ['trackside.trackside']);
  await vscode.openTrackside();
  const runs = await vscode.view('Runs');
  await vscode.waitForTreeItem(runs, 'from-vsix');
});
