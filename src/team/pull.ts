// Fetching teammates' runs: the remote's refs/trackside/runs into refs/trackside/remote/<remote>, then its runs
// into the cache the store's `team` source reads.
import { gitMaybe } from './git';
import { materialise, type MaterialiseReport } from './materialise';
import { fetchRef } from './publish';
import { openTeamRepo, remoteRef } from './repo';

export interface PullReport extends MaterialiseReport {
  remote: string;
  /** False when the remote has no shared runs yet. */
  found: boolean;
  commit?: string;
  ms: number;
}

export async function pullRuns(opts: { cwd: string; root: string; remote?: string }): Promise<PullReport> {
  const t0 = performance.now();
  const repo = await openTeamRepo(opts.cwd, opts.remote);
  const empty = { written: [], unchanged: 0, removed: [], skippedOwn: 0, diagnostics: [] };
  if (!(await fetchRef(repo))) return { ...empty, remote: repo.remote, found: false, ms: Math.round(performance.now() - t0) };
  const commit = await gitMaybe(['rev-parse', '--verify', '-q', `${remoteRef(repo.remote)}^{commit}`], { cwd: repo.cwd });
  if (commit === undefined) return { ...empty, remote: repo.remote, found: false, ms: Math.round(performance.now() - t0) };
  const report = await materialise(repo.cwd, commit, opts.root, repo.owner, repo.remote);
  return { ...report, remote: repo.remote, found: true, commit, ms: Math.round(performance.now() - t0) };
}
