// Trials as child processes of this machine, each the leader of its own process group so stopping one stops
// everything it started (data loaders, a shell's children).
import { spawn } from 'node:child_process';
import { open, readdir, readFile } from 'node:fs/promises';
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

  async adopt(runId: string): Promise<Job | undefined> {
    const pid = await leaderWithRun(runId);
    return pid === undefined ? undefined : this.attach(`${pid}@${hostname()}`);
  }
}

/**
 * The process group leader (a trial's own process, which start() made one) whose environment names this run:
 * what a trial's process is known by when its job id was never recorded. Linux /proc only; elsewhere none.
 */
async function leaderWithRun(runId: string): Promise<number | undefined> {
  const needle = Buffer.from(`\0TRACKSIDE_RUN_ID=${runId}\0`);
  const entries = await readdir('/proc').catch(() => [] as string[]);
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    // Another user's process, or one that just ended: nothing to read, and not ours.
    const env = await readFile(`/proc/${name}/environ`).catch(() => undefined);
    if (!env) continue;
    const padded = Buffer.concat([Buffer.from([0]), env, Buffer.from([0])]);
    if (padded.indexOf(needle) < 0) continue;
    const stat = await readFile(`/proc/${name}/stat`, 'utf8').catch(() => '');
    // Field 5 (the process group) follows the command name, which may hold spaces and parentheses.
    const pgrp = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
    if (pgrp === Number(name)) return pgrp;
  }
  return undefined;
}
