// What the one-second live tick does, decided from the running runs: which of them to re-read by polling (their
// folder is on a network file system, whose change events miss other hosts' writes) and whether to check the
// writers' processes (only while a run on this host is running; other hosts' runs keep the heartbeat rule).

/** `trackside.pollLiveRuns`: poll running runs every second on network roots (auto), on every root, or never. */
export type PollLiveSetting = 'auto' | 'always' | 'never';

export function pollLiveSetting(raw: unknown): PollLiveSetting {
  return raw === 'always' || raw === 'never' ? raw : 'auto';
}

export interface RunningRun {
  id: string;
  root: string;
  /** Hosts its processes run on: its ranks' hosts, or the host of a single-process run's start record. */
  hosts: readonly string[];
}

export interface LivePlan {
  /** Running runs to re-read every second. */
  pollIds: string[];
  /** Check the liveness of this host's writers every second. */
  liveness: boolean;
}

export function livePlan(
  running: readonly RunningRun[],
  opts: { setting: PollLiveSetting; networkRoots: ReadonlySet<string>; hostname: string; canCheckLiveness: boolean },
): LivePlan {
  const pollIds = opts.setting === 'never' ? [] : running.filter((r) => opts.setting === 'always' || opts.networkRoots.has(r.root)).map((r) => r.id);
  const liveness = opts.canCheckLiveness && running.some((r) => r.hosts.includes(opts.hostname));
  return { pollIds, liveness };
}

/** Whether the tick has anything to do. */
export function tickWanted(plan: LivePlan): boolean {
  return plan.pollIds.length > 0 || plan.liveness;
}
