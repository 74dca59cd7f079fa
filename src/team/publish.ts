// Publishing runs to refs/trackside/runs and pushing that ref: snapshot the runs that changed, write their
// folders with plumbing (an unchanged run reuses its tree id, so it costs nothing), commit on top of the previous
// ref, push. A rejected push fetches the remote's ref, merges the two trees (runs are disjoint folders) into a
// commit with both parents, and tries again: never a force push.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunStore, RunSummary, Series } from '../store';
import { git, gitMaybe, GitError } from './git';
import { BlobImport, lsTree, mktreeFrom, newTree, putBlob, writeTrees, type TreeEntry, type TreeSpec } from './objects';
import { Scrubber } from './redact';
import { openTeamRepo, pushedRef, remoteRef, RUN_ID, RUNS_REF, type TeamRepo } from './repo';
import { runStamp, snapshotRun, type RunSnapshot, type TeamSettings } from './snapshot';

export interface PublishOptions {
  cwd: string;
  store: RunStore;
  /** Run ids to share; undefined shares every run of this machine. */
  runIds?: string[];
  remote?: string;
  settings: TeamSettings;
  /** Only say what would leave the machine. */
  dryRun?: boolean;
  maxAttempts?: number;
}

export interface SharedRun {
  id: string;
  name: string;
  status: string;
  bytes: number;
  points: number;
  /** Same as last time: nothing of it is written or sent again. */
  unchanged: boolean;
  scrubbed: string[];
  listedOnly: string[];
}

export interface PublishReport {
  remote: string;
  author: string;
  owner: string;
  runs: SharedRun[];
  skipped: Array<{ id: string; reason: string }>;
  dryRun: boolean;
  /** The ref's commit after publishing. */
  commit?: string;
  /** Nothing changed and the remote already has it: no commit, no network. */
  nothingNew: boolean;
  pushed: boolean;
  /** Rejected pushes merged with the remote's ref. */
  merges: number;
  ms: number;
  /** Milliseconds per phase (snapshot, objects, commit, push), for the bench. */
  phases: Record<string, number>;
}

export class PushError extends Error {}

/** Runs whose points are being read while one is snapshotted: enough to keep the disk busy, few in memory. */
const READ_AHEAD = 4;

interface CacheEntry {
  stamp: string;
  tree: string;
  bytes: number;
  points: number;
  scrubbed: string[];
  listedOnly: string[];
}

export interface PushCache {
  v: 1;
  owner: string;
  runs: Record<string, CacheEntry>;
  /** The ref's commit after the last publish: it holds every run tree above. */
  commit?: string;
  /** Runs unshared from this machine: `push --all` leaves them out until one is named again. */
  unshared?: string[];
}

/** refs/trackside/* → commit, in one git call. */
async function trackRefs(cwd: string): Promise<Map<string, string>> {
  const out = await git(['for-each-ref', '--format=%(refname) %(objectname)', 'refs/trackside/'], { cwd });
  return new Map(
    out
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => l.split(' ') as [string, string]),
  );
}

const cachePath = (repo: TeamRepo) => join(repo.gitDir, 'trackside', 'push-cache.json');

export async function loadCache(repo: TeamRepo): Promise<PushCache> {
  try {
    const c = JSON.parse(await readFile(cachePath(repo), 'utf8')) as PushCache;
    if (c.v === 1 && c.owner === repo.owner && typeof c.runs === 'object' && c.runs !== null) {
      const unshared = Array.isArray(c.unshared) ? c.unshared.filter((x): x is string => typeof x === 'string') : [];
      return { v: 1, owner: c.owner, runs: Object.assign(Object.create(null) as Record<string, CacheEntry>, c.runs), ...(typeof c.commit === 'string' ? { commit: c.commit } : {}), ...(unshared.length > 0 ? { unshared } : {}) };
    }
  } catch {
    // Missing or unreadable: every run is snapshotted again, which is only slower.
  }
  return { v: 1, owner: repo.owner, runs: Object.create(null) as Record<string, CacheEntry> };
}

export async function saveCache(repo: TeamRepo, cache: PushCache): Promise<void> {
  const path = cachePath(repo);
  await mkdir(join(repo.gitDir, 'trackside'), { recursive: true });
  await writeFile(`${path}.tmp`, JSON.stringify(cache));
  await rename(`${path}.tmp`, path);
}

/** Which of these object ids the repository lacks (a cached tree pruned by gc must be rebuilt). */
async function missingObjects(cwd: string, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set();
  const out = await git(['cat-file', '--batch-check'], { cwd, input: ids.join('\n') + '\n' });
  return new Set(
    out
      .split('\n')
      .filter((l) => l.endsWith(' missing'))
      .map((l) => l.split(' ')[0]),
  );
}

function chooseRuns(store: RunStore, runIds: string[] | undefined, scrub: Scrubber, skipped: PublishReport['skipped'], unshared: ReadonlySet<string>): RunSummary[] {
  const all = store.listRuns();
  const byId = new Map(all.map((r) => [r.id, r]));
  const chosen = runIds === undefined ? all : runIds.map((id) => byId.get(id) ?? (skipped.push({ id, reason: 'no such run' }), undefined)).filter((r): r is RunSummary => r !== undefined);
  return chosen.filter((r) => {
    const reason = r.readOnly === true ? 'read-only (a teammate’s or imported run)' : runIds === undefined && unshared.has(r.id) ? 'unshared earlier (name it to share it again)' : !RUN_ID.test(r.id) ? 'its id is not a plain folder name' : scrub.excluded(r.id) ? 'exclude pattern' : undefined;
    if (reason !== undefined) skipped.push({ id: r.id, reason });
    return reason === undefined;
  });
}

const sharedOf = (s: RunSnapshot, status: string): SharedRun => ({ id: s.id, name: s.name, status, bytes: s.bytes, points: s.points, unchanged: false, scrubbed: s.scrubbed, listedOnly: s.listedOnly });

export async function publishRuns(opts: PublishOptions): Promise<PublishReport> {
  const t0 = performance.now();
  const repo = await openTeamRepo(opts.cwd, opts.remote);
  const { cwd } = repo;
  const report: PublishReport = { remote: repo.remote, author: repo.author, owner: repo.owner, runs: [], skipped: [], dryRun: opts.dryRun === true, nothingNew: false, pushed: false, merges: 0, ms: 0, phases: {} };
  let mark = performance.now();
  const phase = (name: string) => {
    const now = performance.now();
    report.phases[name] = Math.round(now - mark);
    mark = now;
  };
  const scrub = new Scrubber(opts.settings.exclude);
  const cache = await loadCache(repo);
  const runs = chooseRuns(opts.store, opts.runIds, scrub, report.skipped, new Set(cache.unshared));
  const stamps = new Map(runs.map((r) => [r.id, runStamp(r, opts.settings)]));
  // Nothing changed since the last publish, which the remote already has: say so without building anything.
  if (runs.length > 0 && runs.every((r) => cache.runs[r.id]?.stamp === stamps.get(r.id)) && cache.commit !== undefined && opts.dryRun !== true) {
    const refs = await trackRefs(cwd);
    if (refs.get(RUNS_REF) === cache.commit && refs.get(pushedRef(repo.remote)) === cache.commit) {
      for (const r of runs) {
        const c = cache.runs[r.id];
        report.runs.push({ id: r.id, name: r.name, status: r.status, bytes: c.bytes, points: c.points, unchanged: true, scrubbed: c.scrubbed, listedOnly: c.listedOnly });
      }
      report.commit = cache.commit;
      report.nothingNew = true;
      phase('check');
      report.ms = Math.round(performance.now() - t0);
      return report;
    }
  }
  const reusable = runs.flatMap((r) => {
    const c = cache.runs[r.id];
    return c !== undefined && c.stamp === stamps.get(r.id) ? [c.tree] : [];
  });
  const missing = await missingObjects(cwd, reusable);

  const runTrees = new Map<string, string | TreeSpec>();
  const fresh = new Map<string, RunSnapshot>();
  const changed: RunSummary[] = [];
  for (const r of runs) {
    const c = cache.runs[r.id];
    if (c !== undefined && c.stamp === stamps.get(r.id) && !missing.has(c.tree)) {
      runTrees.set(r.id, c.tree);
      report.runs.push({ id: r.id, name: r.name, status: r.status, bytes: c.bytes, points: c.points, unchanged: true, scrubbed: c.scrubbed, listedOnly: c.listedOnly });
    } else changed.push(r);
  }
  // Runs are read a few ahead of the one being snapshotted (each a bulk read of its points: one index query, one
  // file read), and each snapshot's blobs go to one fast-import that packs them meanwhile; a run's bytes are let
  // go once git has taken them, so memory stays bounded however many runs and artifacts there are.
  const blobs = new BlobImport(cwd, repo.gitDir);
  const ahead: Array<Promise<Series[]>> = [];
  const read = (k: number) => {
    if (k < changed.length) ahead[k] = opts.store.wholeRun(changed[k].id);
  };
  for (let k = 0; k < READ_AHEAD; k++) read(k);
  try {
    for (let k = 0; k < changed.length; k++) {
      read(k + READ_AHEAD);
      const r = changed[k];
      // A run whose points cannot be read back (its point file damaged: the store rebuilds it from its log at the
      // next pass) is left out of this push, not shared with points missing.
      const series = await ahead[k].catch((err: unknown) => (report.skipped.push({ id: changed[k].id, reason: err instanceof Error ? err.message : String(err) }), undefined));
      delete ahead[k];
      if (series === undefined) continue;
      const snap = await snapshotRun(opts.store, r.id, repo.author, repo.host, opts.settings, series);
      if (snap === undefined) {
        report.skipped.push({ id: r.id, reason: 'gone from the store' });
        continue;
      }
      report.runs.push(sharedOf(snap, r.status));
      if (opts.dryRun === true) continue;
      const spec = newTree();
      for (const [path, bytes] of snap.files) putBlob(spec, path, bytes);
      snap.files.clear();
      runTrees.set(r.id, spec);
      fresh.set(r.id, snap);
      await blobs.add(spec);
    }
    await blobs.finish();
  } catch (err) {
    await blobs.abort();
    // Reads already started must not be left to reject unheard.
    await Promise.allSettled(ahead);
    throw err;
  }
  if (opts.dryRun === true) {
    report.ms = Math.round(performance.now() - t0);
    return report;
  }

  phase('snapshot');
  const specs = [...runTrees].filter((e): e is [string, TreeSpec] => typeof e[1] !== 'string');
  const ids = await writeTrees(cwd, specs.map((e) => e[1]));
  specs.forEach(([id], i) => {
    runTrees.set(id, ids[i]);
    const snap = fresh.get(id) as RunSnapshot;
    cache.runs[id] = { stamp: stamps.get(id) as string, tree: ids[i], bytes: snap.bytes, points: snap.points, scrubbed: snap.scrubbed, listedOnly: snap.listedOnly };
  });
  if (specs.length > 0) await saveCache(repo, cache);
  phase('objects');

  // This sharer's folder: what the ref had there, with these runs put in.
  const prev = await gitMaybe(['rev-parse', '--verify', '-q', `${RUNS_REF}^{commit}`], { cwd });
  const rootEntries = prev === undefined ? [] : await lsTree(cwd, prev);
  const ownerEntry = rootEntries.find((e) => e.name === repo.owner && e.type === 'tree');
  const ownerEntries = new Map((ownerEntry === undefined ? [] : await lsTree(cwd, ownerEntry.id)).map((e) => [e.name, e]));
  for (const [id, tree] of runTrees) ownerEntries.set(id, { mode: '040000', type: 'tree', id: tree as string, name: id });
  let commit = prev;
  let madeCommit = false;
  if (runTrees.size > 0 || prev === undefined) {
    const ownerTree = await mktreeFrom(cwd, [...ownerEntries.values()]);
    const root = await mktreeFrom(cwd, [...rootEntries.filter((e) => e.name !== repo.owner), ...(ownerEntries.size > 0 ? [{ mode: '040000', type: 'tree' as const, id: ownerTree, name: repo.owner }] : [])]);
    const prevTree = prev === undefined ? undefined : (await git(['rev-parse', `${prev}^{tree}`], { cwd })).trim();
    if (root !== prevTree) {
      commit = await commitTree(repo, root, prev === undefined ? [] : [prev], `trackside: ${repo.owner} shares ${fresh.size} run${fresh.size === 1 ? '' : 's'}`);
      await git(['update-ref', RUNS_REF, commit, prev ?? ''], { cwd });
      madeCommit = true;
    }
  }
  report.commit = commit;
  phase('commit');
  if (commit === undefined) {
    report.nothingNew = true;
    report.ms = Math.round(performance.now() - t0);
    return report;
  }
  const pushed = await gitMaybe(['rev-parse', '--verify', '-q', pushedRef(repo.remote)], { cwd });
  if (!madeCommit && pushed === commit) {
    if (cache.commit !== commit) await saveCache(repo, { ...cache, commit });
    report.nothingNew = true;
    report.ms = Math.round(performance.now() - t0);
    return report;
  }
  const result = await pushWithMerges(repo, commit, opts.maxAttempts ?? 5);
  cache.commit = result.commit;
  // Named again: shared again, and `push --all` includes them from now on.
  if (cache.unshared !== undefined) cache.unshared = cache.unshared.filter((id) => !runTrees.has(id));
  await saveCache(repo, cache);
  report.commit = result.commit;
  report.merges = result.merges;
  report.pushed = true;
  phase('push');
  report.ms = Math.round(performance.now() - t0);
  return report;
}

async function commitTree(repo: TeamRepo, tree: string, parents: string[], message: string): Promise<string> {
  const identity = { GIT_AUTHOR_NAME: repo.author, GIT_AUTHOR_EMAIL: repo.email, GIT_COMMITTER_NAME: repo.author, GIT_COMMITTER_EMAIL: repo.email };
  return (await git(['commit-tree', tree, ...parents.flatMap((p) => ['-p', p]), '-m', message], { cwd: repo.cwd, env: identity })).trim();
}

function rejected(err: unknown): boolean {
  if (!(err instanceof GitError)) return false;
  return /\[rejected\]|non-fast-forward|fetch first|\[remote rejected\].*(?:lock|failed to update)|stale info/i.test(err.stderr + '\n' + err.stdout);
}

/** Pushes the ref; on a rejection fetches, merges and tries again, up to `attempts` times. */
export async function pushWithMerges(repo: TeamRepo, start: string, attempts: number, unshared: ReadonlySet<string> = new Set()): Promise<{ commit: string; merges: number }> {
  const { cwd, remote } = repo;
  let commit = start;
  let merges = 0;
  for (let attempt = 1; ; attempt++) {
    try {
      await git(['push', '--porcelain', '--no-verify', remote, `${RUNS_REF}:${RUNS_REF}`], { cwd });
      await git(['update-ref', pushedRef(remote), commit], { cwd });
      return { commit, merges };
    } catch (err) {
      if (!rejected(err)) {
        throw new PushError(`push to ${remote} failed: ${err instanceof Error ? err.message : String(err)}. Nothing is lost: the runs are committed in ${RUNS_REF} of this repository, and the next push sends them.`);
      }
      if (attempt >= attempts) throw new PushError(`push to ${remote} was rejected ${attempt} times (others kept pushing meanwhile); try again`);
    }
    await fetchRef(repo);
    const theirs = await gitMaybe(['rev-parse', '--verify', '-q', `${remoteRef(remote)}^{commit}`], { cwd });
    if (theirs === undefined) continue;
    const ancestor = await git(['merge-base', '--is-ancestor', theirs, commit], { cwd }).then(
      () => true,
      () => false,
    );
    if (ancestor) continue;
    const tree = await mergeTrees(repo, `${commit}^{tree}`, `${theirs}^{tree}`, unshared);
    const merged = await commitTree(repo, tree, [commit, theirs], `trackside: ${repo.owner} merges runs from ${remote}`);
    await git(['update-ref', RUNS_REF, merged, commit], { cwd });
    commit = merged;
    merges++;
  }
}

/** Fetches the remote's ref into refs/trackside/remote/<remote>; false when the remote has none yet. */
export async function fetchRef(repo: TeamRepo): Promise<boolean> {
  const has = await git(['ls-remote', repo.remote, RUNS_REF], { cwd: repo.cwd });
  if (has.trim() === '') return false;
  await git(['fetch', '--no-tags', '--no-write-fetch-head', repo.remote, `+${RUNS_REF}:${remoteRef(repo.remote)}`], { cwd: repo.cwd });
  return true;
}

/**
 * Union of two root trees. Owner folders and runs are disjoint paths; where both sides changed the same one, the
 * sharer keeps their own folder's version and takes everyone else's from the remote. `unshared`: runs of the
 * sharer's folder being deleted, which the remote's side must not bring back.
 */
export async function mergeTrees(repo: TeamRepo, ours: string, theirs: string, unshared: ReadonlySet<string> = new Set()): Promise<string> {
  const cwd = repo.cwd;
  const union = async (a: TreeEntry[], b: TreeEntry[], oursWins: (name: string) => boolean, deeper: (o: TreeEntry, t: TreeEntry) => Promise<string | undefined>) => {
    const out = new Map(b.map((e) => [e.name, e]));
    for (const o of a) {
      const t = out.get(o.name);
      if (t === undefined) out.set(o.name, o);
      else if (t.id !== o.id) {
        const id = o.type === 'tree' && t.type === 'tree' ? await deeper(o, t) : undefined;
        out.set(o.name, id !== undefined ? { ...o, id } : oursWins(o.name) ? o : t);
      }
    }
    return [...out.values()];
  };
  const root = await union(await lsTree(cwd, ours), await lsTree(cwd, theirs), (name) => name === repo.owner, async (o, t) => {
    const mine = o.name === repo.owner;
    const runs = await union(await lsTree(cwd, o.id), await lsTree(cwd, t.id), () => mine, () => Promise.resolve(undefined));
    return mktreeFrom(cwd, mine ? runs.filter((e) => !unshared.has(e.name)) : runs);
  });
  return mktreeFrom(cwd, root);
}
