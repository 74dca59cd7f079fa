// Runs demo/make-workspace.py (real training processes) in its own process group and waits for its READY line.
// With a live run the generator stays up as that run's parent; stop() ends the group, live run included.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { repoRoot } from './vscode-server';

export interface DemoWorkspace {
  readonly dir: string;
  /** The generator's pid (also its process group's id); undefined once it has exited. */
  readonly pid: number | undefined;
  /** Stops the generator and the live run (the logger records it as killed). Safe to call twice. */
  stop(): Promise<void>;
  /** Resolves when the generator exits (with a live run: when stopped or the run ends). */
  readonly exited: Promise<number | null>;
}

export interface DemoOptions {
  dir?: string;
  live?: boolean;
  /** Seconds per step of the live run. */
  liveDelay?: number;
  /** Where the generator's progress lines go; default stderr. */
  echo?: (line: string) => void;
}

export const defaultDemoDir = join(repoRoot, 'demo-workspace');

export function python(): string {
  return process.env.PYTHON ?? 'python3';
}

export function makeDemoWorkspace(options: DemoOptions = {}): Promise<DemoWorkspace> {
  const dir = options.dir ?? defaultDemoDir;
  const echo = options.echo ?? ((line: string) => console.error(line));
  const args = [join(repoRoot, 'demo', 'make-workspace.py'), '--out', dir];
  if (options.live === false) args.push('--no-live');
  if (options.liveDelay !== undefined) args.push('--live-delay', String(options.liveDelay));
  const child = spawn(python(), args, { cwd: repoRoot, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<number | null>((resolveExit) => {
    child.on('error', () => resolveExit(null));
    child.on('exit', (code) => resolveExit(code));
  });
  let running = true;
  void exited.then(() => (running = false));
  const onExit = () => {
    if (running && child.pid) signalGroup(child.pid, 'SIGKILL');
  };
  process.on('exit', onExit);

  const stop = async () => {
    process.off('exit', onExit);
    if (!running || !child.pid) return;
    // The generator alone: it forwards one SIGTERM to the live run and waits for it. Signalling the whole group
    // would hit the run twice, and a second SIGTERM can end it before it has written its "killed" status.
    try {
      process.kill(child.pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
    const done = await Promise.race([exited.then(() => true), delay(10_000).then(() => false)]);
    if (!done) signalGroup(child.pid, 'SIGKILL');
    // Whatever the group still holds (a training process that ignored SIGTERM) goes too.
    signalGroup(child.pid, 'SIGKILL');
  };

  return new Promise((resolveReady, reject) => {
    let tail = '';
    let ready = false;
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      tail = (tail + text).slice(-8000);
      for (const line of text.split('\n')) if (line.trim()) echo(line);
      if (!ready && /^READY /m.test(tail)) {
        ready = true;
        resolveReady({ dir, get pid() { return running ? child.pid : undefined; }, stop, exited });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => {
      if (!ready) reject(new Error(`demo/make-workspace.py exited (${code ?? 'could not start'}) before READY:\n${tail}`));
    });
  });
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
