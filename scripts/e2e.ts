// `npm run test:e2e [-- filter...]`: builds, installs code-server (and Chromium) when missing, then runs every
// test/e2e/**/*.e2e.ts whose path contains one of the filters, one file at a time (each starts its own VS Code,
// and two cores are shared by everyone).
import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { ensureCodeServer, repoRoot } from './vscode-server';

async function findTests(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true }).catch(() => []);
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.e2e.ts'))
    .map((e) => relative(repoRoot, join(e.parentPath, e.name)))
    .sort();
}

function run(cmd: string, args: string[]): Promise<number> {
  return new Promise((resolveRun) => {
    const child = spawn(cmd, args, { cwd: repoRoot, stdio: 'inherit' });
    // Ctrl-C reaches the child through the terminal; the harness stops its servers on SIGINT.
    child.on('close', (code, signal) => resolveRun(code ?? (signal ? 1 : 0)));
  });
}

async function main(): Promise<number> {
  const filters = process.argv.slice(2).filter((a) => !a.startsWith('-'));
  const all = await findTests(join(repoRoot, 'test', 'e2e'));
  const chosen = filters.length ? all.filter((f) => filters.some((s) => f.includes(s))) : all;
  if (chosen.length === 0) {
    console.error(filters.length ? `No e2e test matches ${filters.join(', ')} (have: ${all.join(', ')}).` : 'No e2e tests found.');
    return 1;
  }

  if (!process.argv.includes('--no-build')) {
    const built = await run(process.execPath, ['scripts/build.mjs']);
    if (built !== 0) return built;
  }
  await ensureCodeServer({ browser: true });

  const code = await run(process.execPath, [
    '--import', 'tsx',
    '--test',
    '--test-concurrency=1',
    // A timed-out test leaves its promise pending; exit anyway (the harness's exit hooks stop its servers).
    '--test-force-exit',
    '--test-reporter=spec',
    ...chosen,
  ]);
  return code;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
