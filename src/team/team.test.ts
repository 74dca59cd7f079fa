import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openStore, parseWithFloats, pointsDir, type RunStore } from '../store';
import { writeLog } from '../../test/fixtures/logs';
import { artifact } from '../../test/fixtures/records';
import { simpleRun } from '../../test/fixtures/runs';
import { gitSync, makeTeam, type Teammate } from '../../test/fixtures/teamGit';
import { main } from '../cli/cli';
import { DEFAULT_SETTINGS, publishRuns, pullRuns, sharedByMe, TeamSetupError } from '.';
import { RUNS_REF } from './repo';

async function withStore<T>(root: string, fn: (s: RunStore) => Promise<T>): Promise<T> {
  const store = await openStore({ roots: [root] });
  try {
    await store.index();
    return await fn(store);
  } finally {
    await store.close();
  }
}

const push = (who: Teammate, runIds?: string[], settings = DEFAULT_SETTINGS) => withStore(who.root, (store) => publishRuns({ cwd: who.repo, store, runIds, settings }));

async function cli(args: string[], cwd: string) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: {}, cwd });
  return { code, stdout, stderr };
}

const secretEnv = { os: 'Linux', hostname: 'node7', vars: { WANDB_API_KEY: 'sk-live-123', HOME: '/home/ada', GITHUB_TOKEN: 'ghp_abc' }, git: { commit: 'abc123', dirty: true, diff_artifact: 'artifacts/git.diff', remote: 'https://ada:hunter2@example.com/r.git' } };

test('two teammates push at once: the loser merges and retries, both runs are on the remote, and a fetch lists the other’s runs with an author', async (t) => {
  const team = makeTeam();
  t.after(team.cleanup);
  const ada = team.clone('Ada Lovelace');
  const bob = team.clone('Bob');
  writeLog(ada.root, 'ada-run-1', simpleRun('ada-run-1', 50, { status: 'finished', values: (s) => ({ loss: 1 / (s + 1), acc: s / 100 }) }));
  writeLog(bob.root, 'bob-run-1', simpleRun('bob-run-1', 30, { status: 'finished' }));
  const [a, b] = await Promise.all([push(ada), push(bob)]);
  assert.ok(a.pushed && b.pushed);
  assert.equal(a.merges + b.merges >= 1, true, 'one of the two was rejected and merged');
  const tree = gitSync(team.remote, 'ls-tree', '-r', '--name-only', RUNS_REF).split('\n');
  assert.ok(tree.some((p) => /^Ada-Lovelace@[^/]+\/ada-run-1\/meta\.json$/.test(p)), tree.join('\n'));
  assert.ok(tree.some((p) => /^Bob@[^/]+\/bob-run-1\/series\.bin$/.test(p)));
  // Never a force push: the remote's ref descends from both first commits.
  assert.equal(gitSync(team.remote, 'rev-list', '--count', RUNS_REF).trim(), '3');

  const pulled = await pullRuns({ cwd: bob.repo, root: bob.root });
  assert.deepEqual(pulled.written.map((w) => w.split('/')[1]), ['ada-run-1']);
  assert.equal(pulled.skippedOwn, 1, 'Bob’s own run is not fetched back');
  const ls = await cli(['ls', '--json'], bob.repo);
  const runs = parseWithFloats<Array<{ id: string; author?: string; readOnly?: boolean; metrics: Record<string, { count: number; last: number }> }>>(ls.stdout);
  const adaRun = runs.find((r) => r.id === 'ada-run-1');
  assert.equal(adaRun?.author, 'Ada Lovelace');
  assert.equal(adaRun?.readOnly, true);
  assert.equal(adaRun?.metrics.loss.count, 50);
  assert.equal(adaRun?.metrics.loss.last, 1 / 50, 'values come back exactly');
  assert.equal(runs.find((r) => r.id === 'bob-run-1')?.author, undefined);
  // The fetched series equals the original point for point.
  await withStore(bob.root, async (store) => {
    const [s] = await store.series({ runIds: ['ada-run-1'], keys: ['loss'], points: 1e9 });
    assert.deepEqual(Array.from(s.values), Array.from({ length: 50 }, (_, i) => 1 / (i + 1)));
  });
});

test('an unchanged run costs nothing: the second push makes no commit and no network call; a changed one updates', async (t) => {
  const team = makeTeam();
  t.after(team.cleanup);
  const ada = team.clone('Ada');
  writeLog(ada.root, 'r1', simpleRun('r1', 10));
  const first = await push(ada);
  assert.ok(first.pushed);
  const second = await push(ada);
  assert.equal(second.nothingNew, true);
  assert.equal(second.runs[0].unchanged, true);
  assert.equal(second.commit, first.commit);
  // A running run was pushed as a snapshot; more steps update it.
  writeLog(ada.root, 'r1', simpleRun('r1', 20, { status: 'finished' }));
  const third = await push(ada);
  assert.ok(third.pushed && !third.runs[0].unchanged);
  const meta = JSON.parse(gitSync(ada.repo, 'cat-file', 'blob', `${RUNS_REF}:${third.owner}/r1/meta.json`));
  assert.equal(meta.status, 'finished');
});

test('secrets are redacted in what was pushed; the diff travels only when asked; large artifacts are listed with a hash', async (t) => {
  const team = makeTeam();
  t.after(team.cleanup);
  const ada = team.clone('Ada');
  const records = simpleRun('s1', 3, { start: { env: secretEnv, argv: ['train.py', '--api-key', 'sk-cli', '--auth-token=tok9', '--lr', '0.1'] }, params: { lr: 0.1, max_tokens: 512, hub: { hf_token: 'hf_secret' } }, status: 'finished' });
  records.splice(1, 0, artifact('artifacts/git.diff', { kind: 'diff' }), artifact('artifacts/small.txt'), artifact('artifacts/big.bin'));
  writeLog(ada.root, 's1', records);
  mkdirSync(join(ada.root, 'runs', 's1', 'artifacts'));
  writeFileSync(join(ada.root, 'runs', 's1', 'artifacts', 'git.diff'), 'diff --git a/x b/x\n+password = 1\n');
  writeFileSync(join(ada.root, 'runs', 's1', 'artifacts', 'small.txt'), 'hello');
  writeFileSync(join(ada.root, 'runs', 's1', 'artifacts', 'big.bin'), Buffer.alloc(5000, 7));
  const settings = { ...DEFAULT_SETTINGS, artifactLimit: 1000 };
  const preview = await withStore(ada.root, (store) => publishRuns({ cwd: ada.repo, store, settings, dryRun: true }));
  assert.equal(preview.pushed, false);
  assert.ok(preview.runs[0].scrubbed.includes('env.vars.WANDB_API_KEY') && preview.runs[0].scrubbed.includes('env.vars.GITHUB_TOKEN'), preview.runs[0].scrubbed.join());
  assert.ok(preview.runs[0].scrubbed.some((s) => s.startsWith('artifact artifacts/git.diff')));
  assert.equal(gitSync(ada.repo, 'for-each-ref', 'refs/trackside').trim(), '', 'a dry run writes no ref');
  const report = await push(ada, undefined, settings);
  const base = `${RUNS_REF}:${report.owner}/s1`;
  const metaText = gitSync(ada.repo, 'cat-file', 'blob', `${base}/meta.json`);
  for (const secret of ['sk-live-123', 'ghp_abc', 'sk-cli', 'tok9', 'hunter2', '+password', 'hf_secret']) assert.ok(!metaText.includes(secret), `${secret} left the machine`);
  const meta = JSON.parse(metaText);
  assert.equal(meta.env.vars.WANDB_API_KEY, '[redacted]');
  assert.equal(meta.env.vars.HOME, '/home/ada');
  assert.deepEqual(meta.params, { lr: 0.1, max_tokens: 512, 'hub.hf_token': '[redacted]' });
  assert.deepEqual(meta.argv, ['train.py', '--api-key', '[redacted]', '--auth-token=[redacted]', '--lr', '0.1']);
  const files = gitSync(ada.repo, 'ls-tree', '-r', '--name-only', base).split('\n');
  assert.ok(files.includes('files/artifacts/small.txt'));
  assert.ok(!files.some((f) => f.includes('git.diff') || f.includes('big.bin')), files.join());
  const big = meta.artifacts.find((a: { path: string }) => a.path === 'artifacts/big.bin');
  assert.equal(big.included, false);
  assert.equal(big.size, 5000);
  assert.match(big.sha256, /^[0-9a-f]{64}$/);
  const withDiff = await push(ada, undefined, { ...settings, shareDiff: true });
  assert.ok(gitSync(ada.repo, 'ls-tree', '-r', '--name-only', `${RUNS_REF}:${withDiff.owner}/s1`).includes('files/artifacts/git.diff'));
});

test('no repository, no remote, an unknown remote: clear messages saying how to add one', async (t) => {
  const team = makeTeam();
  t.after(team.cleanup);
  const lone = join(team.dir, 'lone');
  mkdirSync(join(lone, '.trackside'), { recursive: true });
  writeLog(join(lone, '.trackside'), 'r', simpleRun('r', 2));
  const noRepo = await cli(['push', '--all'], lone);
  assert.equal(noRepo.code, 3);
  assert.match(noRepo.stderr, /not in a git repository.*git remote add origin/);
  gitSync(lone, 'init', '-q');
  const noRemote = await cli(['pull'], lone);
  assert.match(noRemote.stderr, /no remote.*git remote add origin <url>/);
  await assert.rejects(withStore(join(lone, '.trackside'), (store) => publishRuns({ cwd: lone, store, settings: DEFAULT_SETTINGS, remote: 'upstream' })), TeamSetupError);
  const ada = team.clone('Ada');
  const empty = await cli(['pull'], ada.repo);
  assert.equal(empty.code, 0);
  assert.match(empty.stdout, /No team runs on origin yet/);
  const usage = await cli(['push'], ada.repo);
  assert.equal(usage.code, 2);
});

test('trackside push --dry-run --json previews without pushing; push names runs; pull --json reports what it wrote', async (t) => {
  const team = makeTeam();
  t.after(team.cleanup);
  const ada = team.clone('Ada');
  const bob = team.clone('Bob');
  writeLog(ada.root, 'a1', simpleRun('a1', 5, { status: 'finished', start: { env: secretEnv } }));
  writeLog(ada.root, 'a2', simpleRun('a2', 5, { status: 'finished' }));
  const dry = await cli(['push', '--all', '--dry-run', '--json'], ada.repo);
  assert.equal(dry.code, 0, dry.stderr);
  const preview = JSON.parse(dry.stdout) as { dryRun: boolean; runs: Array<{ id: string; bytes: number; scrubbed: string[] }> };
  assert.equal(preview.dryRun, true);
  assert.deepEqual(preview.runs.map((r) => r.id).sort(), ['a1', 'a2']);
  assert.ok(preview.runs.every((r) => r.bytes > 0));
  assert.ok(preview.runs.find((r) => r.id === 'a1')?.scrubbed.includes('env.vars.WANDB_API_KEY'));
  assert.equal(gitSync(team.remote, 'for-each-ref', 'refs/trackside').trim(), '');
  const one = await cli(['push', 'a1'], ada.repo);
  assert.equal(one.code, 0, one.stderr);
  assert.match(one.stdout, /Pushed 1 runs \(0 unchanged, .*\) to origin as Ada@/);
  const again = await cli(['push', 'a1'], ada.repo);
  assert.match(again.stdout, /Nothing new to push to origin/);
  const pulled = await cli(['pull', '--json'], bob.repo);
  assert.equal(pulled.code, 0, pulled.stderr);
  const report = JSON.parse(pulled.stdout) as { found: boolean; written: string[] };
  assert.equal(report.found, true);
  assert.deepEqual(report.written.map((w) => w.split('/')[1]), ['a1']);
  const human = await cli(['pull'], bob.repo);
  assert.match(human.stdout, /Fetched from origin: 0 new or changed runs, 1 unchanged/);
});

test('trackside push --delete unshares a run from the remote (even when a teammate pushed meanwhile), push --all leaves it out, another’s run is not unshared, and a fetch drops it', async (t) => {
  const team = makeTeam();
  t.after(team.cleanup);
  const ada = team.clone('Ada');
  const bob = team.clone('Bob');
  writeLog(ada.root, 'ada-keep', simpleRun('ada-keep', 5, { status: 'finished' }));
  writeLog(ada.root, 'ada-oops', simpleRun('ada-oops', 5, { status: 'finished' }));
  writeLog(bob.root, 'bob-1', simpleRun('bob-1', 5, { status: 'finished' }));
  await push(ada);
  await push(bob);
  assert.deepEqual((await pullRuns({ cwd: bob.repo, root: bob.root })).written.map((w) => w.split('/')[1]), ['ada-keep', 'ada-oops']);
  assert.deepEqual((await sharedByMe({ cwd: ada.repo })).runIds, ['ada-keep', 'ada-oops'], 'what the Unshare Runs… picker lists');
  // Bob's push is not in Ada's ref yet: her unshare is rejected once, merges, and must not bring the run back.
  const del = await cli(['push', '--delete', 'ada-oops', 'bob-1', '--json'], ada.repo);
  const report = parseWithFloats<{ removed: string[]; notShared: Array<{ id: string; reason: string }>; merges: number }>(del.stdout);
  assert.equal(del.code, 1, 'one of the runs named was not unshared');
  assert.deepEqual(report.removed, ['ada-oops']);
  // Bob's run is not in Ada's copy of the ref yet; either way, it is not hers to unshare.
  assert.match(report.notShared[0].reason, /not shared by Ada@/);
  assert.equal(report.merges, 1);
  const onRemote = gitSync(team.remote, 'ls-tree', '-r', '--name-only', RUNS_REF);
  assert.doesNotMatch(onRemote, /ada-oops/);
  assert.match(onRemote, /ada-keep\/meta\.json/);
  assert.match(onRemote, /bob-1\/meta\.json/);
  assert.deepEqual((await sharedByMe({ cwd: ada.repo })).runIds, ['ada-keep']);
  const again = await push(ada);
  assert.deepEqual(again.runs.map((r) => r.id), ['ada-keep']);
  assert.ok(again.skipped.some((s) => s.id === 'ada-oops' && /unshared earlier/.test(s.reason)));
  assert.doesNotMatch(gitSync(team.remote, 'ls-tree', '-r', '--name-only', RUNS_REF), /ada-oops/);
  const pulled = await pullRuns({ cwd: bob.repo, root: bob.root });
  assert.deepEqual(pulled.removed.map((w) => w.split('/')[1]), ['ada-oops']);
  // Named again: shared again.
  const named = await push(ada, ['ada-oops']);
  assert.ok(named.pushed);
  assert.match(gitSync(team.remote, 'ls-tree', '-r', '--name-only', RUNS_REF), /ada-oops\/meta\.json/);
});

test('a run whose points cannot be read back is left out of the push with the reason; the others are shared', async (t) => {
  const team = makeTeam();
  t.after(team.cleanup);
  const ada = team.clone('Ada');
  const dbPath = join(team.dir, 'ada.sqlite');
  const store = await openStore({ roots: [ada.root], dbPath });
  t.after(() => store.close());
  // One run, indexed alone: the only point file there is then is its own.
  writeLog(ada.root, 'ada-bad', simpleRun('ada-bad', 5000, { status: 'finished' }));
  await store.index();
  const [badFile] = readdirSync(pointsDir(dbPath)).filter((f) => f.endsWith('.pts'));
  writeLog(ada.root, 'ada-ok', simpleRun('ada-ok', 5000, { status: 'finished' }));
  await store.index();
  truncateSync(join(pointsDir(dbPath), badFile), 64);
  const report = await publishRuns({ cwd: ada.repo, store, settings: DEFAULT_SETTINGS });
  assert.ok(report.pushed);
  assert.deepEqual(report.skipped.map((s) => s.id), ['ada-bad']);
  assert.match(report.skipped[0].reason, /cannot read the points of ada-bad .*reindexed from its log/);
  const onRemote = gitSync(team.remote, 'ls-tree', '-r', '--name-only', RUNS_REF);
  assert.match(onRemote, /\/ada-ok\/series\.bin/);
  assert.doesNotMatch(onRemote, /ada-bad/);
});
