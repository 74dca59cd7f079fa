// Unsharing runs: this sharer's runs taken out of refs/trackside/runs (a commit without them, pushed with the same
// merge-and-retry as a share, the merge never bringing them back). Only the sharer's own folder: a teammate's
// runs are theirs to remove. The runs stay in the ref's history, as anything once pushed does; and `push --all`
// leaves them out from now on, until one is named again.
import { git, gitMaybe } from './git';
import { lsTree, mktreeFrom } from './objects';
import { loadCache, pushWithMerges, saveCache } from './publish';
import { openTeamRepo, pushedRef, RUNS_REF } from './repo';

export interface UnshareReport {
  remote: string;
  owner: string;
  removed: string[];
  /** Named runs that are not in this sharer's folder of the ref, with why. */
  notShared: Array<{ id: string; reason: string }>;
  commit?: string;
  pushed: boolean;
  merges: number;
}

export async function unshareRuns(opts: { cwd: string; runIds: string[]; remote?: string; maxAttempts?: number }): Promise<UnshareReport> {
  const repo = await openTeamRepo(opts.cwd, opts.remote);
  const { cwd } = repo;
  const report: UnshareReport = { remote: repo.remote, owner: repo.owner, removed: [], notShared: [], pushed: false, merges: 0 };
  const prev = await gitMaybe(['rev-parse', '--verify', '-q', `${RUNS_REF}^{commit}`], { cwd });
  const rootEntries = prev === undefined ? [] : await lsTree(cwd, prev);
  const ownerEntry = rootEntries.find((e) => e.name === repo.owner && e.type === 'tree');
  const runs = ownerEntry === undefined ? [] : await lsTree(cwd, ownerEntry.id);
  const wanted = new Set(opts.runIds);
  const mine = new Set(runs.map((e) => e.name));
  const others = rootEntries.filter((e) => e.type === 'tree' && e.name !== repo.owner);
  for (const id of wanted) {
    if (mine.has(id)) report.removed.push(id);
    else {
      // Someone else's run is said as such, so the user is not left thinking it went.
      let owner: string | undefined;
      for (const o of others) if ((await lsTree(cwd, o.id)).some((e) => e.name === id)) owner = o.name;
      report.notShared.push({ id, reason: owner === undefined ? `not shared by ${repo.owner}` : `shared by ${owner}, not by you: only they can unshare it` });
    }
  }
  const cache = await loadCache(repo);
  if (report.removed.length === 0 || prev === undefined) return report;
  const gone = new Set(report.removed);
  const kept = runs.filter((e) => !gone.has(e.name));
  const ownerTree = kept.length > 0 ? await mktreeFrom(cwd, kept) : undefined;
  const root = await mktreeFrom(cwd, [...rootEntries.filter((e) => e.name !== repo.owner), ...(ownerTree === undefined ? [] : [{ mode: '040000', type: 'tree' as const, id: ownerTree, name: repo.owner }])]);
  const identity = { GIT_AUTHOR_NAME: repo.author, GIT_AUTHOR_EMAIL: repo.email, GIT_COMMITTER_NAME: repo.author, GIT_COMMITTER_EMAIL: repo.email };
  const commit = (await git(['commit-tree', root, '-p', prev, '-m', `trackside: ${repo.owner} unshares ${report.removed.join(', ').slice(0, 500)}`], { cwd, env: identity })).trim();
  await git(['update-ref', RUNS_REF, commit, prev], { cwd });
  // Remembered before the push: a push that fails is sent by the next one, and must not share them again.
  for (const id of gone) delete cache.runs[id];
  cache.unshared = [...new Set([...(cache.unshared ?? []), ...gone])];
  await saveCache(repo, cache);
  const result = await pushWithMerges(repo, commit, opts.maxAttempts ?? 5, gone);
  cache.commit = result.commit;
  await saveCache(repo, cache);
  report.commit = result.commit;
  report.merges = result.merges;
  report.pushed = (await gitMaybe(['rev-parse', '--verify', '-q', pushedRef(repo.remote)], { cwd })) === result.commit;
  return report;
}

/** The runs this sharer has in the ref (as this repository last published or merged it), for a picker. */
export async function sharedByMe(opts: { cwd: string; remote?: string }): Promise<{ remote: string; owner: string; runIds: string[] }> {
  const repo = await openTeamRepo(opts.cwd, opts.remote);
  const prev = await gitMaybe(['rev-parse', '--verify', '-q', `${RUNS_REF}^{commit}`], { cwd: repo.cwd });
  const root = prev === undefined ? [] : await lsTree(repo.cwd, prev);
  const own = root.find((e) => e.name === repo.owner && e.type === 'tree');
  const runIds = own === undefined ? [] : (await lsTree(repo.cwd, own.id)).filter((e) => e.type === 'tree').map((e) => e.name);
  return { remote: repo.remote, owner: repo.owner, runIds };
}
