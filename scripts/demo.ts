// `npm run demo [-- --port 8080 --dark --no-live]`: builds the extension, installs code-server when missing,
// generates demo-workspace/ from real training runs (one keeps training), starts VS Code on 127.0.0.1 with
// Trackside loaded and prints the URL. Ctrl-C stops everything it started: the server's process group and the
// live training run.
import { spawn } from 'node:child_process';
import { makeDemoWorkspace, python, type DemoWorkspace } from './demo-workspace';
import { startServer, type RunningServer } from './vscode-launch';
import { ensureCodeServer, repoRoot } from './vscode-server';
import { join } from 'node:path';

interface Args {
  port: number;
  theme: 'light' | 'dark';
  live: boolean;
  build: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { port: Number(process.env.TRACKSIDE_DEMO_PORT ?? 0), theme: 'light', live: true, build: true };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--port') args.port = Number(argv[++i]);
    else if (arg === '--dark') args.theme = 'dark';
    else if (arg === '--no-live') args.live = false;
    else if (arg === '--no-build') args.build = false;
    else if (arg === '--help' || arg === '-h') {
      console.log('npm run demo [-- --port N] [--dark] [--no-live] [--no-build]');
      process.exit(0);
    } else throw new Error(`unknown option ${arg} (try --help)`);
  }
  if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535) throw new Error('--port takes a port number');
  return args;
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(cmd, args, { cwd: repoRoot, stdio: 'inherit' });
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolveRun() : reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}`))));
  });
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  // What is running so far, for Ctrl-C at any point of the start-up.
  const started: { workspace?: DemoWorkspace; server?: RunningServer } = {};
  let stopping = false;
  const shutdown = async (code: number) => {
    if (stopping) return;
    stopping = true;
    console.error('\nStopping the demo…');
    await Promise.allSettled([started.server?.stop(), started.workspace?.stop()]);
    process.exit(code);
  };
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  process.on('SIGHUP', () => void shutdown(0));

  await run(python(), ['--version']).catch(() => {
    throw new Error('python3 is needed for the demo training runs (set PYTHON to use another interpreter)');
  });
  if (args.build) await run(process.execPath, ['scripts/build.mjs']);
  await ensureCodeServer({ log: (line) => console.error(`[code-server] ${line}`) });

  const workspace = (started.workspace = await makeDemoWorkspace({ live: args.live, echo: (line) => console.error(line) }));
  if (stopping) return;
  const server = (started.server = await startServer({
    workspace: workspace.dir,
    theme: args.theme,
    port: args.port,
    handleSignals: false,
    // Reruns started from the editor find the logger the same way the demo's runs did.
    env: { PYTHONPATH: [join(repoRoot, 'logger'), process.env.PYTHONPATH].filter(Boolean).join(':') },
  }));
  if (stopping) return;

  console.log(
    [
      '',
      `Trackside demo: open ${server.url}`,
      '',
      `  workspace  ${workspace.dir}`,
      `  runs       finished, failed ("diverged"), killed ("stopped"), crashed ("lost-worker", after 2 minutes)` +
        (args.live ? ', and "live", still training' : ''),
      '  view       click the Trackside icon in the activity bar',
      '',
      'Ctrl-C stops VS Code and the live run.',
    ].join('\n'),
  );

  void workspace.exited.then((code) => {
    if (!stopping && args.live) console.error(`The live run's generator ended (exit ${code}); VS Code keeps running.`);
  });
  // If the server dies by itself there is nothing left to show.
  const poll = setInterval(() => {
    if (stopping) return clearInterval(poll);
    try {
      process.kill(server.pid, 0);
    } catch {
      clearInterval(poll);
      console.error(`VS Code (pid ${server.pid}) exited:\n${server.output().slice(-2000)}`);
      void shutdown(1);
    }
  }, 2000);
}

main().catch((err: unknown) => {
  console.error(`demo: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
