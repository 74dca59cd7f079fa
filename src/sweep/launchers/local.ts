// Trials as child processes of this machine, each the leader of its own process group so stopping one stops
// everything it started (data loaders, a shell's children).
import { spawn } from 'node:child_process';
import { open } from 'node:fs/promises';
import { hostname } from 'node:os';
import { sleep, STOP_GRACE_MS, type Job, type JobEnd, type Launcher, type LaunchRequest } from './launcher';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function stopGroup(pid: number, gone: () => boolean, graceMs: number): Promise<void> {
  const signal = (sig: NodeJS.Signals): void => {
    try {
      process.kill(-pid, sig);
    } catch {
      // The group is already gone.
    }
  };
  signal('SIGTERM');
  const until = Date.now() + graceMs;
  while (!gone() && Date.now() < until) await sleep(50);
  if (!gone()) signal('SIGKILL');
}

export class LocalLauncher implements Launcher {
  readonly kind = 'local' as const;
  constructor(private readonly graceMs = STOP_GRACE_MS) {}

  async check(): Promise<void> {}

  async start(req: LaunchRequest): Promise<Job> {
    const log = await open(req.logFile, 'a');
    try {
      const child = spawn(req.argv[0], req.argv.slice(1), { cwd: req.cwd, env: req.env, detached: true, stdio: ['ignore', log.fd, log.fd] });
      let ended = false;
      const done = new Promise<JobEnd>((resolve) => {
        child.once('error', (err) => {
          ended = true;
          void log.write(`trackside: could not start ${req.argv[0]}: ${err.message}\n`).finally(() => resolve({ exitCode: 127 }));
        });
        child.once('exit', (code, signal) => {
          ended = true;
          resolve({ exitCode: code, signal: signal ?? undefined });
        });
      });
      await new Promise<void>((resolve) => {
        child.once('spawn', resolve);
        child.once('error', () => resolve());
      });
      void done.finally(() => log.close());
      const pid = child.pid ?? -1;
      return {
        id: `${pid}@${hostname()}`,
        done,
        stop: () => (ended || pid < 0 ? Promise.resolve() : stopGroup(pid, () => ended, this.graceMs)),
      };
    } catch (err) {
      await log.close();
      throw err;
    }
  }

  async attach(id: string): Promise<Job | undefined> {
    const m = /^(\d+)@(.*)$/.exec(id);
    if (!m || m[2] !== hostname()) return undefined;
    const pid = Number(m[1]);
    if (!alive(pid)) return undefined;
    // Not our child any more: follow it by polling; its exit code is unknown, the run's status tells the outcome.
    const done = (async (): Promise<JobEnd> => {
      while (alive(pid)) await sleep(200);
      return { exitCode: null };
    })();
    return { id, done, stop: () => stopGroup(pid, () => !alive(pid), this.graceMs) };
  }
}
