// Where trials run. The controller asks a launcher to start a command and gets a job it can wait on and stop; a
// restarted controller asks it to re-attach to a job id it recorded.

export interface LaunchRequest {
  n: number;
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  /** Where the trial's stdout and stderr go. */
  logFile: string;
  /** The job's name where the launcher shows one (SLURM). */
  name: string;
}

export interface JobEnd {
  /** null when it ended by a signal or its code is unknown. */
  exitCode: number | null;
  signal?: string;
}

export interface Job {
  /** What to record to find it again: `pid@host` (local), the SLURM job id. */
  id: string;
  done: Promise<JobEnd>;
  /** Stops it cleanly: SIGTERM to the whole process group, SIGKILL after a grace period. */
  stop(): Promise<void>;
}

export interface Launcher {
  readonly kind: 'local' | 'slurm';
  /** Throws with a clear message when this launcher cannot run here (no sbatch, controller down). */
  check(): Promise<void>;
  start(req: LaunchRequest): Promise<Job>;
  /** Starts several trials as one submission (a SLURM job array), one job per request in order; optional. */
  startBatch?(reqs: LaunchRequest[]): Promise<Job[]>;
  /** The job again after a controller restart, when it is still alive; undefined when it is gone. */
  attach(id: string, logFile: string): Promise<Job | undefined>;
  /**
   * A trial whose controller died between starting it and recording its job: its process, found by the run id it
   * was given, when it is still alive; optional (undefined: not found, or the launcher cannot look).
   */
  adopt?(runId: string): Promise<Job | undefined>;
}

export const STOP_GRACE_MS = 5000;

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
