// Installs code-server (VS Code's server build, run in a browser) into .cache/code-server/<version>/, outside the
// project's dependencies so `npm ci` stays fast. Used by `npm run demo` and `npm run test:e2e`; run it alone with
// `npx tsx scripts/vscode-server.ts [--with-browser]`. Idempotent: a finished install is kept and reused.
//
// What makes it work offline and as root (see ../shared/VSCODE-E2E.md):
// - apt packages: libkrb5-dev (kerberos builds against it), ripgrep (its binary stands in for a download),
//   chromium (only the e2e tests drive a browser);
// - npm >= 11.19 blocks dependencies' install scripts unless allowed. code-server's postinstall runs a nested
//   `npm install` in lib/vscode whose native modules need theirs too, and there config from the parent's
//   environment is rejected, so the install is split: fetch without scripts, approve the nested projects'
//   scripts in their own .npmrc, then `npm rebuild` runs code-server's postinstall;
// - @vscode/ripgrep's postinstall downloads from GitHub unless it finds a cached archive in $TMPDIR: we give it
//   a private TMPDIR holding Debian's rg.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { access, mkdir, mkdtemp, readFile, rename, rm, stat, writeFile, cp } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.100.3';
const RIPGREP_PACKAGE_VERSION = '1.15.11';
const RIPGREP_ARCHIVE = 'ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz';

/** Packages whose install scripts code-server's own nested installs need (lib/vscode and lib/vscode/extensions). */
const NESTED_SCRIPTS = [
  '@parcel/watcher',
  '@vscode/deviceid',
  '@vscode/ripgrep',
  '@vscode/spdlog',
  '@vscode/windows-process-tree',
  '@vscode/windows-registry',
  'kerberos',
  'native-watchdog',
  'node-pty',
];

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cacheDir = join(repoRoot, '.cache', 'code-server');
const installDir = join(cacheDir, CODE_SERVER_VERSION);
const doneMarker = join(installDir, '.trackside-installed');

/** The code-server launcher inside the cache. */
export const codeServerBin = join(installDir, 'node_modules', '.bin', 'code-server');

export interface EnsureOptions {
  /** Also install Chromium (the e2e tests need it, the demo does not). */
  browser?: boolean;
  log?: (line: string) => void;
}

/** Installs what is missing and returns the code-server launcher's path. */
export async function ensureCodeServer(options: EnsureOptions = {}): Promise<string> {
  const log = options.log ?? ((line: string) => console.error(`[code-server] ${line}`));
  await ensureAptPackages(['libkrb5-dev', 'ripgrep', ...(options.browser ? ['chromium'] : [])], log);
  if (await exists(doneMarker)) return codeServerBin;

  await mkdir(cacheDir, { recursive: true });
  const release = await lock(join(cacheDir, `${CODE_SERVER_VERSION}.lock`), log);
  try {
    // Another process may have finished while we waited for the lock.
    if (await exists(doneMarker)) return codeServerBin;
    await install(log);
  } finally {
    await release();
  }
  return codeServerBin;
}

async function install(log: (line: string) => void): Promise<void> {
  const started = Date.now();
  log(`installing code-server@${CODE_SERVER_VERSION} into ${installDir} (about two minutes, ~300 MB)`);
  const staging = await mkdtemp(join(cacheDir, `${CODE_SERVER_VERSION}.staging-`));
  try {
    const tmp = join(staging, 'tmp');
    await seedRipgrepCache(tmp);
    await writeFile(
      join(staging, 'package.json'),
      JSON.stringify({
        private: true,
        description: 'code-server for Trackside demo and e2e tests; see scripts/vscode-server.ts',
        dependencies: { 'code-server': CODE_SERVER_VERSION },
        allowScripts: { 'code-server': true, argon2: true },
      }, null, 2),
    );
    const env = npmEnv(tmp);
    await run('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel=error'], staging, env, log);

    const vscodeDir = join(staging, 'node_modules', 'code-server', 'lib', 'vscode');
    const approvals = NESTED_SCRIPTS.map((name) => `allow-scripts[]=${name}`).join('\n') + '\n';
    await writeFile(join(vscodeDir, '.npmrc'), approvals);
    await writeFile(join(vscodeDir, 'extensions', '.npmrc'), approvals);
    await run('npm', ['rebuild', 'code-server', 'argon2', '--loglevel=error'], staging, env, log);

    await verify(staging);
    await rm(tmp, { recursive: true, force: true });
    await writeFile(join(staging, '.trackside-installed'), `${new Date().toISOString()}\n`);
    await rm(installDir, { recursive: true, force: true });
    await rename(staging, installDir);
    log(`installed in ${Math.round((Date.now() - started) / 1000)} s`);
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw err;
  }
}

/** Checks that the postinstall really built what code-server loads at start, not just that npm exited 0. */
async function verify(dir: string): Promise<void> {
  const vscode = join(dir, 'node_modules', 'code-server', 'lib', 'vscode');
  const needed = [
    join(vscode, 'node_modules', '@vscode', 'ripgrep', 'bin', 'rg'),
    join(vscode, 'node_modules', 'node-pty', 'build', 'Release', 'pty.node'),
    join(vscode, 'node_modules', '@vscode', 'spdlog', 'build', 'Release', 'spdlog.node'),
    join(vscode, 'node_modules.asar'),
  ];
  for (const file of needed) {
    if (!(await exists(file))) {
      throw new Error(`code-server install is incomplete: ${file} is missing (its install script did not run or failed)`);
    }
  }
}

/** @vscode/ripgrep's postinstall takes `$TMPDIR/vscode-ripgrep-cache-<v>/<archive>` instead of downloading. */
async function seedRipgrepCache(tmp: string): Promise<void> {
  const rg = '/usr/bin/rg';
  if (!(await exists(rg))) throw new Error(`${rg} is missing: install Debian's ripgrep package`);
  const cache = join(tmp, `vscode-ripgrep-cache-${RIPGREP_PACKAGE_VERSION}`);
  await mkdir(cache, { recursive: true });
  const stage = await mkdtemp(join(tmp, 'rg-'));
  await cp(rg, join(stage, 'rg'));
  await run('tar', ['-czf', join(cache, RIPGREP_ARCHIVE), '-C', stage, 'rg'], tmp, process.env, () => {});
  await rm(stage, { recursive: true, force: true });
}

function npmEnv(tmp: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    TMPDIR: tmp,
    // code-server's postinstall refuses to run as root without it; newer npm warns it is unknown, harmlessly.
    npm_config_unsafe_perm: 'true',
    // A nested `npx node-gyp` would otherwise stop to ask.
    npm_config_yes: 'true',
    npm_config_update_notifier: 'false',
  };
  // node-gyp downloads Node's headers unless told where they are; Debian's nodejs ships them under /usr.
  const headers = join(dirname(dirname(process.execPath)), 'include', 'node', 'node.h');
  if (!env.npm_config_nodedir && existsSync(headers)) env.npm_config_nodedir = dirname(dirname(dirname(headers)));
  // Config inherited from a surrounding `npm run` would reach the nested installs as environment and be
  // rejected there (EALLOWSCRIPTS), so drop what the parent npm exported about scripts.
  for (const key of Object.keys(env)) {
    if (/^npm_config_(allow_scripts|ignore_scripts|dangerously_allow_all_scripts)$/i.test(key)) delete env[key];
  }
  return env;
}

async function ensureAptPackages(packages: string[], log: (line: string) => void): Promise<void> {
  const missing: string[] = [];
  for (const pkg of packages) {
    const status = await capture('dpkg-query', ['-W', '-f=${Status}', pkg]).catch(() => '');
    if (!status.includes('install ok installed')) missing.push(pkg);
  }
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`missing system packages: ${missing.join(' ')}. Install them with: sudo apt-get install -y ${missing.join(' ')}`);
  }
  log(`installing apt packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await run('apt-get', ['update', '-qq'], repoRoot, env, log);
  await run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing], repoRoot, env, log);
}

/** A directory lock (mkdir is atomic) so parallel first runs install once; a dead owner's lock is taken over. */
async function lock(path: string, log: (line: string) => void): Promise<() => Promise<void>> {
  let announced = false;
  for (;;) {
    try {
      await mkdir(path);
      await writeFile(join(path, 'pid'), String(process.pid));
      return () => rm(path, { recursive: true, force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = Number(await readFile(join(path, 'pid'), 'utf8').catch(() => ''));
    const age = Date.now() - (await stat(path).then((s) => s.mtimeMs, () => Date.now()));
    if ((owner > 0 && !alive(owner)) || (!owner && age > 30_000)) {
      await rm(path, { recursive: true, force: true });
      continue;
    }
    if (!announced) log(`waiting for another install (pid ${owner}) to finish`);
    announced = true;
    await new Promise((r) => setTimeout(r, 1000));
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(() => true, () => false);
}

/** Runs a command, keeping its output for the error message instead of flooding the terminal. */
function run(cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv, log: (line: string) => void): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-20_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (code === 0) return resolvePromise();
      log(output.trimEnd());
      reject(new Error(`${cmd} ${args.join(' ')} failed (${signal ?? `exit ${code}`}) in ${cwd}`));
    });
  });
}

function capture(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('close', () => resolvePromise(out));
  });
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  ensureCodeServer({ browser: process.argv.includes('--with-browser') }).then(
    (bin) => console.log(bin),
    (err: unknown) => {
      console.error(`[code-server] ${err instanceof Error ? err.message : String(err)}`);
      process.exit(1);
    },
  );
}
