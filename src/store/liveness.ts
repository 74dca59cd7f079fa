// Whether the process writing a log is still alive, for logs written on this machine: a SIGKILL, the OOM killer or
// a preempted job leaves no status, and waiting out the heartbeat timeout (2 minutes) is too slow. A process is
// the same only if its pid is there AND its start time (field 22 of /proc/<pid>/stat) is the one its log recorded:
// pids are reused. Logs from other hosts (another hostname, another boot of this one, or another pid namespace)
// are never checked here.
import { readFile, readlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import type { ProcInfo } from './ingest/runState';

export type ProcState = 'alive' | 'dead' | 'unknown';

const keyOf = (p: ProcInfo) => `${p.pid}:${p.pidStart}`;

/** The start time in /proc/<pid>/stat's text, or undefined when it cannot be read from it. */
export function startTimeOf(stat: string): number | undefined {
  // The command name (field 2) may hold spaces and parentheses: fields are counted after its last ")".
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const n = Number(fields[19]);
  return Number.isSafeInteger(n) ? n : undefined;
}

export class Liveness {
  private readonly host = hostname();
  /** This boot's id; null when this system has no /proc (then nothing is checked), undefined until read. */
  private bootId: string | null | undefined;
  private readonly known = new Map<string, ProcState>();
  /** This process's pid namespace: a writer in another one (a container sharing host name and kernel) is not checked. */
  private pidNs: string | undefined;

  /** Whether this machine can check the process: same hostname and boot, and the log recorded pid and start time. */
  isLocal(p: ProcInfo): boolean {
    if (p.host !== this.host || p.pid === null || p.pidStart === null || this.bootId === null) return false;
    if (p.bootId !== null && this.bootId !== undefined && p.bootId !== this.bootId) return false;
    return p.pidNs === undefined || this.pidNs === undefined || p.pidNs === this.pidNs;
  }

  /** What the last check found; 'unknown' before any check, or for a process on another host. */
  state(p: ProcInfo): ProcState {
    return this.isLocal(p) ? (this.known.get(keyOf(p)) ?? 'unknown') : 'unknown';
  }

  /**
   * Checks these processes (those on this machine not already known dead) and returns the ones found dead since
   * the last check. One small /proc read each, on the thread pool.
   */
  async check(procs: Iterable<ProcInfo>): Promise<ProcInfo[]> {
    if (this.bootId === undefined) {
      this.bootId = await readFile('/proc/sys/kernel/random/boot_id', 'utf8').then((t) => t.trim() || null, () => null);
      this.pidNs = await readlink('/proc/self/ns/pid').catch(() => undefined);
    }
    if (this.bootId === null) return [];
    const wanted = new Map<string, ProcInfo>();
    for (const p of procs) if (this.isLocal(p) && this.known.get(keyOf(p)) !== 'dead') wanted.set(keyOf(p), p);
    const died: ProcInfo[] = [];
    await Promise.all(
      [...wanted].map(async ([key, p]) => {
        let alive: boolean;
        try {
          alive = startTimeOf(await readFile(`/proc/${p.pid}/stat`, 'latin1')) === p.pidStart;
        } catch (err) {
          // Only a missing process is dead; any other error (EACCES under hidepid) leaves it unknown.
          if ((err as NodeJS.ErrnoException).code !== 'ENOENT' && (err as NodeJS.ErrnoException).code !== 'ESRCH') return;
          alive = false;
        }
        if (!alive) died.push(p);
        this.known.set(key, alive ? 'alive' : 'dead');
      }),
    );
    return died;
  }
}
