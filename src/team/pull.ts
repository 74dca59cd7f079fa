// Fetching teammates' runs: the remote's refs/trackside/runs into refs/trackside/remote/<remote>, then its runs
// into the cache the store's `team` source reads.
import { gitMaybe } from './git';
import { materialise, type MaterialiseReport } from './materialise';
import { fetchRef } from './publish';
import { openTeamRepo, remoteKey, remoteRef } from './repo';

export interface PullReport extends MaterialiseReport {
  remote: string;
  /** False when the remote has no shared runs yet. */
  found: boolean;
  commit?: string;
  ms: number;
}

/** The ids of the runs a fetch wrote or removed: what an index pass over just those runs (indexRuns) must read. */
export function changedRunIds(report: MaterialiseReport): string[] {
  return [...report.written, ...report.removed].map((w) => w.slice(w.lastIndexOf('/') + 1));
}

export async function pullRuns(opts: { cwd: string; root: string; remote?: string }): Promise<PullReport> {
  const t0 = performance.now();
  const repo = await openTeamRepo(opts.cwd, opts.remote);
  const empty = { written: [], unchanged: 0, removed: [], skippedOwn: 0, diagnostics: [] };
  if (!(await fetchRef(repo))) return { ...empty, remote: repo.remote, found: false, ms: Math.round(performance.now() - t0) };
  const commit = await gitMaybe(['rev-parse', '--verify', '-q', `${remoteRef(repo.remote)}^{commit}`], { cwd: repo.cwd });
  if (commit === undefined) return { ...empty, remote: repo.remote, found: false, ms: Math.round(performance.now() - t0) };
  const report = await materialise(repo.cwd, commit, opts.root, repo.owner, { name: repo.remote, key: remoteKey(repo.remote, repo.url) });
  return { ...report, remote: repo.remote, found: true, commit, ms: Math.round(performance.now() - t0) };
}
