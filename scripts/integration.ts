// `npm run test:integration`: runs test/integration/suite.ts inside a real VS Code's extension host through
// @vscode/test-electron, for users' CI. It downloads VS Code (or uses VSCODE_EXECUTABLE); where that is not
// possible it says so in one line and exits non-zero instead of pretending to pass. On a Linux machine without
// a display run it under `xvfb-run -a`.
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import * as esbuild from 'esbuild';
import { downloadAndUnzipVSCode, runTests, SilentReporter } from '@vscode/test-electron';
import { logText, metrics, start, status } from '../test/fixtures/records';
import { repoRoot } from './vscode-server';

const VERSION = process.env.VSCODE_VERSION ?? '1.100.3';
const DOWNLOAD_LIMIT_MS = 10 * 60_000;

function fail(message: string): never {
  console.error(`test:integration: ${message}`);
  process.exit(1);
}

function build(): Promise<void> {
  return new Promise((resolveBuild, reject) => {
    const child = spawn(process.execPath, ['scripts/build.mjs'], { cwd: repoRoot, stdio: 'inherit' });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolveBuild() : reject(new Error(`build exited with ${code}`))));
  });
}

async function vscodeExecutable(): Promise<string> {
  if (process.env.VSCODE_EXECUTABLE) return process.env.VSCODE_EXECUTABLE;
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no progress in ${DOWNLOAD_LIMIT_MS / 60_000} minutes`)), DOWNLOAD_LIMIT_MS);
  });
  try {
    return await Promise.race([
      downloadAndUnzipVSCode({
        version: VERSION,
        reporter: new SilentReporter(),
        cachePath: join(repoRoot, '.cache', 'vscode-test'),
        timeout: 30_000,
      }),
      limit,
    ]);
  } catch (err) {
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    fail(`cannot download VS Code ${VERSION} (${reason}); this suite needs a machine that can (or VSCODE_EXECUTABLE=<path to VS Code>). Here, use npm run test:e2e.`);
  } finally {
    clearTimeout(timer);
  }
}

async function main(): Promise<void> {
  await build();
  const outDir = join(repoRoot, 'out', 'integration');
  await esbuild.build({
    entryPoints: [join(repoRoot, 'test', 'integration', 'suite.ts')],
    outfile: join(outDir, 'suite.js'),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
    logLevel: 'warning',
  });

  const vscodeExecutablePath = await vscodeExecutable();
  const workspace = await mkdtemp(join(tmpdir(), 'trackside-integration-'));
  const runDir = join(workspace, '.trackside', 'runs', '20260101-000000-00000001');
  await mkdir(runDir, { recursive: true });
  const t0 = Date.now() / 1000;
  await writeFile(join(runDir, 'events.jsonl'), logText([
    start({ id: '20260101-000000-00000001', ts: t0, name: 'integration', project: 'ci', tags: [], argv: ['train.py'], cwd: workspace, executable: 'python3', env: {} }),
    metrics(0, { loss: 1 }, t0),
    status('finished', { ts: t0 }),
  ]));

  const code = await runTests({
    vscodeExecutablePath,
    extensionDevelopmentPath: repoRoot,
    extensionTestsPath: join(outDir, 'suite.js'),
    launchArgs: [
      workspace,
      '--disable-extensions',
      '--disable-workspace-trust',
      '--user-data-dir', await mkdtemp(join(tmpdir(), 'trackside-integration-profile-')),
    ],
  }).catch((err: unknown) => fail(`VS Code ran the suite and it failed: ${err instanceof Error ? err.message : String(err)}`));
  process.exit(code);
}

main().catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));
