import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile, access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { addWorktree, changedFiles, fetchCommit, fileAt, git, hasCommit, head, recordedTree, removeWorktree, repoRoot, workingTree } from './git';

async function repo(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'trackside-git-test-'));
  const env = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' };
  await git(['init', '-q', '-b', 'main'], { cwd: dir });
  await writeFile(join(dir, 'train.py'), 'lr = 0.01\n');
  await writeFile(join(dir, 'util.py'), 'x = 1\n');
  await git(['add', '.'], { cwd: dir });
  await git(['commit', '-q', '-m', 'one'], { cwd: dir, env });
  return dir;
}

test('recorded state vs working tree: drift is found by content, and the user index is untouched', async (t) => {
  const dir = await repo();
  t.after(() => rm(dir, { recursive: true, force: true }));
  const commit = (await head(dir)) as string;
  assert.equal(await repoRoot(join(dir)), dir);
  assert.ok(await hasCommit(dir, commit));
  assert.ok(!(await hasCommit(dir, 'f'.repeat(40))));
  assert.ok(!(await hasCommit(dir, '--upload-pack=x')));

  // The run was recorded with an uncommitted change to train.py.
  await writeFile(join(dir, 'train.py'), 'lr = 0.02\n');
  const diff = await git(['diff', 'HEAD', '--binary'], { cwd: dir });
  const recorded = await recordedTree(dir, commit, diff);
  assert.deepEqual(await changedFiles(dir, recorded), []);
  assert.equal(await workingTree(dir), recorded);

  // Now the user edits util.py and reverts train.py.
  await writeFile(join(dir, 'train.py'), 'lr = 0.01\n');
  await writeFile(join(dir, 'util.py'), 'x = 2\n');
  assert.deepEqual((await changedFiles(dir, recorded)).sort(), ['train.py', 'util.py']);
  assert.notEqual(await workingTree(dir), recorded);
  assert.equal(await fileAt(dir, recorded, 'train.py'), 'lr = 0.02\n');
  assert.equal(await fileAt(dir, recorded, 'missing.py'), undefined);
  assert.equal(await git(['diff', '--cached', '--name-only'], { cwd: dir }), '');

  // A staged new file is part of `git diff HEAD`, so it is part of the working tree's code too.
  await writeFile(join(dir, 'new.py'), 'y = 1\n');
  await git(['add', 'new.py'], { cwd: dir });
  const staged = await git(['diff', 'HEAD', '--no-color'], { cwd: dir });
  assert.equal(await workingTree(dir), await recordedTree(dir, commit, staged));
  assert.equal(await git(['diff', '--cached', '--name-only'], { cwd: dir }), 'new.py\n', 'the user index is as it was');

  await assert.rejects(recordedTree(dir, commit, 'diff --git a/nope.py b/nope.py\n--- a/nope.py\n+++ b/nope.py\n@@ -1 +1 @@\n-a\n+b\n'));
});

test('a worktree at the recorded commit with the diff applied leaves the checkout alone and is removed', async (t) => {
  const dir = await repo();
  t.after(() => rm(dir, { recursive: true, force: true }));
  const commit = (await head(dir)) as string;
  await writeFile(join(dir, 'train.py'), 'lr = 0.5\n');
  const diff = await git(['diff', 'HEAD'], { cwd: dir });
  await writeFile(join(dir, 'train.py'), 'lr = 9\n');
  const wt = await addWorktree(dir, commit, diff, 'run/../id with space');
  assert.equal(await readFile(join(wt, 'train.py'), 'utf8'), 'lr = 0.5\n');
  assert.equal(await readFile(join(dir, 'train.py'), 'utf8'), 'lr = 9\n');
  assert.match(wt, /trackside-rerun-run_.._id_with_space-/);
  await removeWorktree(dir, wt);
  await assert.rejects(access(wt));
  assert.doesNotMatch(await git(['worktree', 'list'], { cwd: dir }), /trackside-rerun/);
});

test('not a repository: no root, no head', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'trackside-nogit-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  assert.equal(await repoRoot(dir), undefined);
  assert.equal(await head(dir), undefined);
});

test('a teammate’s commit is fetched from the remote when missing (by id, over a bare repository and over git daemon); one never pushed is reported as unreachable', async (t) => {
  const { makeTeam, gitSync } = await import('../../test/fixtures/teamGit');
  const team = makeTeam();
  t.after(team.cleanup);
  const bob = team.clone('Bob');
  const ada = team.clone('Ada');
  await writeFile(join(ada.repo, 'train.py'), 'lr = 0.1\n');
  gitSync(ada.repo, 'add', 'train.py');
  gitSync(ada.repo, 'commit', '-q', '-m', 'ada trains');
  const pushed = gitSync(ada.repo, 'rev-parse', 'HEAD').trim();
  gitSync(ada.repo, 'push', '-q', 'origin', 'HEAD:refs/heads/ada');
  await writeFile(join(ada.repo, 'train.py'), 'lr = 0.2\n');
  gitSync(ada.repo, 'commit', '-q', '-am', 'never pushed');
  const local = gitSync(ada.repo, 'rev-parse', 'HEAD').trim();

  assert.equal(await hasCommit(bob.repo, pushed), false);
  assert.equal(await fetchCommit(bob.repo, 'origin', pushed), true);
  assert.equal(await hasCommit(bob.repo, pushed), true);
  assert.equal(await fetchCommit(bob.repo, 'origin', local), false, 'a commit only on Ada’s machine');
  assert.equal(await fetchCommit(bob.repo, '--upload-pack=x', local), false, 'a remote name that is an option is refused');

  // The same over the network, and once the daemon is gone: unreachable, said as such.
  const { spawn } = await import('node:child_process');
  const port = 20000 + Math.floor(Math.random() * 20000);
  const daemon = spawn('git', ['daemon', '--reuseaddr', `--base-path=${team.dir}`, '--export-all', '--listen=127.0.0.1', `--port=${port}`, team.dir], { stdio: 'ignore' });
  t.after(() => daemon.kill());
  const carol = team.clone('Carol');
  gitSync(carol.repo, 'remote', 'add', 'net', `git://127.0.0.1:${port}/remote.git`);
  let ok = false;
  for (let i = 0; i < 50 && !ok; i++) {
    ok = await fetchCommit(carol.repo, 'net', pushed).catch(() => false);
    if (!ok) await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(ok, true, 'fetched over git daemon');
  daemon.kill();
  await new Promise((r) => daemon.once('exit', r));
  gitSync(carol.repo, 'remote', 'set-url', 'origin', `git://127.0.0.1:${port}/remote.git`);
  assert.equal(await fetchCommit(carol.repo, 'origin', local), false);
});
