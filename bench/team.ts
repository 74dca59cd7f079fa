// Team runs through git (issue 15): publishing 1,000 runs × 10 metrics × 1,000 steps to refs/trackside/runs of a
// bare remote, the remote's size after the push, a second push with nothing new, and a fetch of them into another
// clone, and 100 new runs fetched into a workspace of 10,000. Baselines from the same run: a plain `git push` of the very same commit to a second bare remote (what
// git alone costs to send these objects), and the logs' own size (what sharing the raw files would send).
//
//   npx tsx bench/team.ts [--quick] [--json]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../src/store';
import { changedRunIds, DEFAULT_SETTINGS, publishRuns, pullRuns } from '../src/team';
import { gitSync, makeTeam } from '../test/fixtures/teamGit';
import { formatFigure, type Figure } from './figures';
import { ensureWorkspace } from './generate';

const MB = 1024 * 1024;
const quick = process.argv.includes('--quick');
const json = process.argv.includes('--json');
const log = (m: string) => (json ? process.stderr : process.stdout).write(`${m}\n`);

function du(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) if (e.isFile()) total += statSync(join(e.parentPath, e.name)).size;
  return total;
}

/**
 * T5: a teammate's 100 new runs fetched into a workspace of 10,000 runs (the store already indexed), until the
 * store lists them: the "shows them in the tree" (the fetch, then an index pass over the runs it wrote, as
 * the extension does). Baseline: a full index pass of that store with nothing new.
 */
async function fetchIntoLargeWorkspace(dbDir: string): Promise<Figure> {
  const big = ensureWorkspace(quick ? { runs: 1000, metrics: 4, steps: 20, systemEvery: 0, heartbeatEvery: 0 } : { runs: 10_000, metrics: 4, steps: 20, systemEvery: 0, heartbeatEvery: 0 });
  // Another seed: run ids differ from the big workspace's, as two people's runs do.
  const shared = ensureWorkspace({ runs: 100, metrics: 10, steps: 1000, seed: 7 });
  const team = makeTeam();
  try {
    const carol = team.clone('Carol');
    const source = await openStore({ roots: [shared.root], dbPath: join(dbDir, 'carol.sqlite') });
    await source.index();
    await publishRuns({ cwd: carol.repo, store: source, settings: DEFAULT_SETTINGS });
    await source.close();
    const bob = team.clone('Bob');
    const store = await openStore({ roots: [bob.root, big.root], dbPath: join(dbDir, 'big.sqlite') });
    log(`T5: indexing the ${big.runs.length}-run workspace (not counted)`);
    await store.index();
    const w0 = performance.now();
    await store.index();
    const warmMs = performance.now() - w0;
    const t0 = performance.now();
    const pulled = await pullRuns({ cwd: bob.repo, root: bob.root });
    const pullMs = performance.now() - t0;
    // As the extension does after a fetch: a pass over the runs it wrote, not over the whole workspace.
    if (store.indexRuns === undefined) throw new Error('the store has no indexRuns');
    await store.indexRuns(changedRunIds(pulled));
    const ms = performance.now() - t0;
    const listed = store.listRuns().filter((r) => r.author === 'Carol').length;
    await store.close();
    return {
      id: 'T5', title: `fetch of ${pulled.written.length} new runs (1 M points) into a workspace of ${big.runs.length} runs, until the store lists them`,
      value: ms / 1000, unit: 's', target: { op: '<=', value: 2 },
      baseline: { label: 'an index pass of that workspace with nothing new', value: warmMs / 1000, unit: 's' },
      ratio: { label: 'fetch+index / idle index pass', value: ms / warmMs },
      notes: [`fetch+write ${(pullMs / 1000).toFixed(2)} s, index ${((ms - pullMs) / 1000).toFixed(2)} s; ${listed} listed with author Carol`],
    };
  } finally {
    team.cleanup();
  }
}

async function main(): Promise<void> {
  const shape = quick ? { runs: 100, metrics: 10, steps: 1000 } : { runs: 1000, metrics: 10, steps: 1000 };
  log(`T: workspace of ${shape.runs} runs × ${shape.metrics} metrics × ${shape.steps} steps`);
  const ws = ensureWorkspace(shape);
  const team = makeTeam();
  const dbDir = mkdtempSync(join(tmpdir(), 'trackside-bench-team-'));
  const figures: Figure[] = [];
  try {
    const ada = team.clone('Ada');
    const store = await openStore({ roots: [ws.root], dbPath: join(dbDir, 'index.sqlite') });
    const t0 = performance.now();
    await store.index();
    const indexMs = performance.now() - t0;
    log(`T: indexed in ${(indexMs / 1000).toFixed(1)} s; pushing`);

    const p0 = performance.now();
    const first = await publishRuns({ cwd: ada.repo, store, settings: DEFAULT_SETTINGS });
    const pushMs = performance.now() - p0;
    const remoteBytes = du(join(team.remote, 'objects'));
    const points = first.runs.reduce((n, r) => n + r.points, 0);
    const snapshotBytes = first.runs.reduce((n, r) => n + r.bytes, 0);

    // Baseline: git alone sending the same commit (objects already written) to an empty bare remote.
    const plain = join(team.dir, 'plain.git');
    gitSync(team.dir, 'init', '-q', '--bare', plain);
    const b0 = performance.now();
    gitSync(ada.repo, 'push', '-q', plain, `${first.commit}:refs/heads/same-tree`);
    const plainMs = performance.now() - b0;

    const s0 = performance.now();
    const second = await publishRuns({ cwd: ada.repo, store, settings: DEFAULT_SETTINGS });
    const secondMs = performance.now() - s0;
    const r0 = performance.now();
    execFileSync('git', ['rev-parse', 'refs/trackside/runs'], { cwd: ada.repo });
    const revParseMs = performance.now() - r0;
    await store.close();

    const bob = team.clone('Bob');
    const f0 = performance.now();
    const pulled = await pullRuns({ cwd: bob.repo, root: bob.root });
    const pullMs = performance.now() - f0;
    const bobStore = await openStore({ roots: [bob.root], dbPath: join(dbDir, 'bob.sqlite') });
    const i0 = performance.now();
    await bobStore.index();
    const bobIndexMs = performance.now() - i0;
    const listed = bobStore.listRuns().filter((r) => r.author === 'Ada').length;
    await bobStore.close();

    const title = `${first.runs.length} runs, ${(points / 1e6).toFixed(1)} M points`;
    figures.push({
      id: 'T1', title: `push of ${title} to a bare remote (snapshot through the store, blobs, trees, commit, push)`,
      value: pushMs / 1000, unit: 's', target: { op: '<=', value: 10 },
      baseline: { label: 'plain git push of the same commit', value: plainMs / 1000, unit: 's' },
      ratio: { label: 'push / plain git push', value: pushMs / plainMs },
      notes: [`index before it (not counted): ${(indexMs / 1000).toFixed(1)} s; phases (ms): ${JSON.stringify(first.phases)}`, `${first.pushed ? 'pushed' : 'NOT pushed'}, ${first.merges} merges`],
    });
    figures.push({
      id: 'T2', title: 'size of the remote after that push (objects folder of the bare repository)',
      value: remoteBytes / MB, unit: 'MB', target: { op: '<=', value: 20 },
      baseline: { label: 'the runs’ logs', value: ws.bytes / MB, unit: 'MB' },
      ratio: { label: 'remote / logs', value: remoteBytes / ws.bytes },
      notes: [`${(remoteBytes / points).toFixed(2)} bytes a point; snapshot files before git's compression: ${(snapshotBytes / MB).toFixed(1)} MB`],
    });
    figures.push({
      id: 'T3', title: 'second push, nothing new (no commit, no network)',
      value: secondMs, unit: 'ms', target: { op: '<=', value: 1000 },
      baseline: { label: 'one git rev-parse', value: revParseMs, unit: 'ms' },
      ratio: { label: 'second push / git rev-parse', value: secondMs / revParseMs },
      notes: [`nothingNew: ${second.nothingNew}; phases (ms): ${JSON.stringify(second.phases)}`],
    });
    figures.push({
      id: 'T4', title: `pull of those runs into a teammate's clone (fetch + write the logs), then index`,
      value: (pullMs + bobIndexMs) / 1000, unit: 's',
      baseline: { label: 'the pusher’s own cold index of the same runs', value: indexMs / 1000, unit: 's' },
      ratio: { label: 'pull+index / cold index', value: (pullMs + bobIndexMs) / indexMs },
      notes: [`fetch+write ${(pullMs / 1000).toFixed(1)} s, index ${(bobIndexMs / 1000).toFixed(1)} s; ${pulled.written.length} written, ${listed} listed with author Ada, ${pulled.diagnostics.length} diagnostics`],
    });
    figures.push(await fetchIntoLargeWorkspace(dbDir));
  } finally {
    team.cleanup();
    rmSync(dbDir, { recursive: true, force: true });
  }
  if (json) process.stdout.write(JSON.stringify(figures, null, 2) + '\n');
  else for (const f of figures) log(formatFigure(f));
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
