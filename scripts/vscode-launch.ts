// Starts and stops one code-server: a free loopback port, its own profile, its own process group. Used by the e2e
// harness and by `npm run demo`; knows nothing about Chromium.
import { spawn, type ChildProcess } from 'node:child_process';
import { access, cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { codeServerBin, repoRoot } from './vscode-server';

export type Theme = 'light' | 'dark';

export interface ServerOptions {
  /** Folder to open. */
  workspace: string;
  theme?: Theme;
  /** `true` (default) disables workspace trust; `false` leaves it on, so the window asks and can be refused. */
  trust?: boolean;
  /** Install this .vsix with `--install-extension` instead of copying the unpacked extension from the repo. */
  vsix?: string;
  /** Start without Trackside at all. */
  noExtension?: boolean;
  /** Unpacked extensions to load beside Trackside: folders copied into the extensions folder as they are. */
  extraExtensions?: string[];
  /** Extra user settings, merged over the defaults. */
  settings?: Record<string, unknown>;
  /** Extra environment for the server and so for the extension host (e.g. TRACKSIDE_DIR). */
  env?: Record<string, string>;
  /** Keep the profile folder after stop. */
  keepProfile?: boolean;
  /** Port on 127.0.0.1; default 0, a free one chosen by the kernel. */
  port?: number;
  /** Stop the server and exit on SIGINT/SIGTERM/SIGHUP (default); `false` when the caller handles them. */
  handleSignals?: boolean;
}

/** Files of the unpacked extension, the same set .vscodeignore lets into the .vsix. */
export const extensionFiles = ['package.json', 'dist', 'media', 'README.md', 'LICENSE', 'logger/trackside'];

/** Quiet defaults: no network (gallery on loopback), no tours, no update checks, a fixed theme. */
export function userSettings(theme: Theme, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    'workbench.colorTheme': theme === 'dark' ? 'Default Dark Modern' : 'Default Light Modern',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'extensions.ignoreRecommendations': true,
    'update.mode': 'none',
    'telemetry.telemetryLevel': 'off',
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'workbench.welcomePage.walkthroughs.openOnInstall': false,
    'workbench.layoutControl.enabled': false,
    'chat.commandCenter.enabled': false,
    'window.restoreWindows': 'none',
    'files.hotExit': 'off',
    'git.openRepositoryInParentFolders': 'never',
    ...extra,
  };
}

export interface RunningServer {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  readonly profileDir: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  /** The server's stdout and stderr so far (the extension host's own logs are under userDataDir/logs). */
  output(): string;
  /** Stops the whole process group: SIGTERM, then SIGKILL after a grace period. Safe to call twice. */
  stop(): Promise<void>;
}

const live = new Set<number>();
let exitHookInstalled = false;
let signalHooksInstalled = false;

/** Whatever happens to this process, its servers' process groups go with it. */
function installExitHooks(signals: boolean): void {
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const pid of live) killGroup(pid, 'SIGKILL');
    });
  }
  // Death by a signal skips 'exit' handlers, so a test process interrupted by Ctrl-C needs these.
  if (signals && !signalHooksInstalled) {
    signalHooksInstalled = true;
    for (const [signal, number] of [['SIGINT', 2], ['SIGTERM', 15], ['SIGHUP', 1]] as const) {
      process.once(signal, () => {
        for (const pid of live) killGroup(pid, 'SIGTERM');
        process.exit(128 + number);
      });
    }
  }
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/** Copies the built extension into `<extensionsDir>/<publisher>.<name>-<version>/`, where VS Code scans. */
export async function copyExtension(extensionsDir: string): Promise<string> {
  const manifest = JSON.parse(await readFile(join(repoRoot, 'package.json'), 'utf8')) as {
    publisher: string;
    name: string;
    version: string;
  };
  const target = join(extensionsDir, `${manifest.publisher}.${manifest.name}-${manifest.version}`);
  for (const file of extensionFiles) {
    await cp(join(repoRoot, file), join(target, file), {
      recursive: true,
      filter: (src) => !/(__pycache__|\.pyc$|\.map$)/.test(src),
    }).catch((err: NodeJS.ErrnoException) => {
      // LICENSE or README may not exist in a young tree; dist must.
      if (err.code !== 'ENOENT' || file === 'dist' || file === 'package.json') throw err;
    });
  }
  return target;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  if (!(await access(codeServerBin).then(() => true, () => false))) {
    throw new Error(`code-server is not installed at ${codeServerBin}: run \`npm run test:e2e\` or \`npx tsx scripts/vscode-server.ts\` once`);
  }
  installExitHooks(options.handleSignals ?? true);
  const profileDir = await mkdtemp(join(tmpdir(), 'trackside-vscode-'));
  const userDataDir = join(profileDir, 'user-data');
  const extensionsDir = join(profileDir, 'extensions');
  await mkdir(join(userDataDir, 'User'), { recursive: true });
  await mkdir(extensionsDir, { recursive: true });
  await writeFile(
    join(userDataDir, 'User', 'settings.json'),
    JSON.stringify(userSettings(options.theme ?? 'light', options.settings), null, 2),
  );
  // An empty config file keeps code-server from writing ~/.config/code-server/config.yaml.
  const configFile = join(profileDir, 'config.yaml');
  await writeFile(configFile, 'auth: none\n');

  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // code-server asks open-vsx at start; loopback port 9 (discard) answers nothing, so nothing leaves the host.
    EXTENSIONS_GALLERY: JSON.stringify({ serviceUrl: 'http://127.0.0.1:9/gallery', itemUrl: 'http://127.0.0.1:9/items' }),
    XDG_DATA_HOME: join(profileDir, 'xdg-data'),
    XDG_CONFIG_HOME: join(profileDir, 'xdg-config'),
    ...options.env,
  };
  // A surrounding `npm run` exports npm_* variables that mean nothing to the extension host's children.
  for (const key of Object.keys(env)) if (key.startsWith('npm_')) delete env[key];
  const common = ['--config', configFile, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];

  if (options.vsix) {
    await runToEnd(codeServerBin, [...common, '--install-extension', options.vsix], env);
  } else if (!options.noExtension) {
    await copyExtension(extensionsDir);
  }
  for (const dir of options.extraExtensions ?? []) await cp(dir, join(extensionsDir, basename(dir)), { recursive: true });

  const args = [
    ...common,
    '--auth', 'none',
    // Port 0: the kernel picks a free port, so parallel test runs never collide; we read it from the log.
    '--bind-addr', `127.0.0.1:${options.port ?? 0}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    ...(options.trust === false ? [] : ['--disable-workspace-trust']),
    options.workspace,
  ];
  const child = spawn(codeServerBin, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const pid = child.pid;
  if (pid === undefined) {
    const reason = await new Promise<Error>((r) => child.once('error', r));
    throw new Error(`could not start ${codeServerBin}: ${reason.message}`);
  }
  live.add(pid);

  let log = '';
  const append = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-200_000);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<void>((resolveExit) => child.once('exit', () => resolveExit()));

  const stop = async () => {
    if (!live.has(pid)) return;
    killGroup(pid, 'SIGTERM');
    const timedOut = await Promise.race([exited.then(() => false), delay(5000).then(() => true)]);
    // The group may hold children that ignore SIGTERM even once the server itself is gone.
    killGroup(pid, 'SIGKILL');
    if (timedOut) await Promise.race([exited, delay(2000)]);
    live.delete(pid);
    if (!options.keepProfile) await rm(profileDir, { recursive: true, force: true, maxRetries: 3 }).catch(() => {});
  };

  try {
    const port = await listeningPort(child, () => log, 60_000);
    const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(options.workspace)}`;
    return { url, port, pid, profileDir, userDataDir, extensionsDir, output: () => log, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

function listeningPort(child: ChildProcess, output: () => string, timeoutMs: number): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const check = () => {
      const match = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(output());
      if (match) {
        cleanup();
        resolvePort(Number(match[1]));
      }
    };
    const onExit = (code: number | null, signal: string | null) => {
      cleanup();
      reject(new Error(`code-server exited (${signal ?? `exit ${code}`}) before listening:\n${output().slice(-4000)}`));
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`code-server did not listen within ${timeoutMs / 1000} s:\n${output().slice(-4000)}`));
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout?.off('data', check);
      child.stderr?.off('data', check);
      child.off('exit', onExit);
    };
    child.stdout?.on('data', check);
    child.stderr?.on('data', check);
    child.once('exit', onExit);
    check();
  });
}

function runToEnd(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolveRun(out) : reject(new Error(`${cmd} ${args.join(' ')} failed (exit ${code}):\n${out}`)),
    );
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
