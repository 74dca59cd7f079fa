// `npm run package [-- --out file.vsix]`: a production build, then `vsce package` offline, then a check that the
// .vsix holds only what the extension runs and stays within the size budget.
import { spawn } from 'node:child_process';
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { repoRoot } from './vscode-server';

export const SIZE_BUDGET = 2 * 1024 * 1024;

/** Entries a .vsix must never carry: sources, maps, tests, dependencies, caches. */
const FORBIDDEN = [
  /(^|\/)node_modules\//,
  /\.map$/,
  /\.tsx?$/,
  /^(src|test|tests|bench|scripts|webview|demo)\//,
  // The user guides ship ("Open Documentation" opens them); their screenshots do not.
  /^docs\/(?![\w-]+\.md$)/,
  /__pycache__|\.pyc$/,
  /(^|\/)\.(cache|git|ci)\//,
];

/** What every package must contain for the extension to work once installed. */
const REQUIRED = [
  'extension/package.json',
  'extension/dist/extension.js',
  'extension/dist/sql-wasm.wasm',
  'extension/logger/trackside/__init__.py',
  'extension/LICENSE.txt',
];

function run(cmd: string, args: string[], capture = false): Promise<string> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(cmd, args, { cwd: repoRoot, stdio: ['ignore', capture ? 'pipe' : 'inherit', 'inherit'] });
    let out = '';
    child.stdout?.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolveRun(out) : reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}`))));
  });
}

export interface PackageResult {
  path: string;
  bytes: number;
  files: string[];
}

/** Builds and packages the extension into `out` (default trackside-<version>.vsix in the repo) and checks it. */
export async function packageVsix(out?: string, { build = true }: { build?: boolean } = {}): Promise<PackageResult> {
  const manifest = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as { name: string; version: string };
  const path = out ? (isAbsolute(out) ? out : resolve(out)) : join(repoRoot, `${manifest.name}-${manifest.version}.vsix`);
  if (build) await run(process.execPath, ['scripts/build.mjs']);
  const vsce = join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce');
  await run(process.execPath, [
    vsce, 'package',
    // Dependencies are bundled into dist/ by esbuild; listing them would run npm.
    '--no-dependencies',
    '--allow-missing-repository',
    // Relative README links stay relative: no repository URL to point them at, and no network to check one.
    '--no-rewrite-relative-links',
    '--out', path,
  ]);
  const files = (await run('zipinfo', ['-1', path], true)).split('\n').filter(Boolean);
  const bytes = (await stat(path)).size;
  const problems: string[] = [];
  const forbidden = files.filter((f) => f.startsWith('extension/') && FORBIDDEN.some((re) => re.test(f.slice('extension/'.length))));
  if (forbidden.length) problems.push(`must not contain: ${forbidden.join(', ')}`);
  const missing = REQUIRED.filter((f) => !files.includes(f));
  if (missing.length) problems.push(`is missing: ${missing.join(', ')}`);
  if (bytes > SIZE_BUDGET) problems.push(`is ${kb(bytes)}, over the ${kb(SIZE_BUDGET)} budget`);
  if (problems.length) throw new Error(`${path} ${problems.join('; ')}`);
  return { path, bytes, files };
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(0)} KB`;
}

if (process.argv[1] && resolve(process.argv[1]) === resolve(repoRoot, 'scripts', 'package.ts')) {
  const i = process.argv.indexOf('--out');
  packageVsix(i > 0 ? process.argv[i + 1] : undefined, { build: !process.argv.includes('--no-build') }).then(
    (result) => {
      const payload = result.files.filter((f) => f.startsWith('extension/')).length;
      console.log(`${result.path}: ${kb(result.bytes)} (budget ${kb(SIZE_BUDGET)}), ${payload} files`);
    },
    (err: unknown) => {
      console.error(`package: ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
