import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunDetail } from '../store/types';
import { codeOfRun, inspectCode, readRecordedDiff, scriptKey } from './codeState';
import { git, head } from './git';

const AUTHOR = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' };

function runAt(dir: string, env: RunDetail['env'], extra: Partial<RunDetail> = {}): RunDetail {
  return {
    id: 'r', root: join(dir, '.trackside'), dir: join(dir, '.trackside', 'runs', 'r'), name: 'r', project: 'p', tags: [], status: 'finished',
    startTime: 0, lastUpdate: 0, params: {}, metrics: {}, summary: {}, argv: [join(dir, 'train.py')], cwd: dir, env, artifacts: [], overrides: {},
    ...extra,
  };
}

async function setUp(): Promise<{ dir: string; commit: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'trackside-code-'));
  await git(['init', '-q'], { cwd: dir });
  await writeFile(join(dir, 'train.py'), 'lr = 1\n');
  await git(['add', '.'], { cwd: dir });
  await git(['commit', '-q', '-m', 'c'], { cwd: dir, env: AUTHOR });
  return { dir, commit: (await head(dir)) as string };
}

test('a dirty recorded run: its saved diff rebuilds the code, and editing the checkout is drift', async (t) => {
  const { dir, commit } = await setUp();
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'train.py'), 'lr = 2\n');
  const diff = await git(['diff', 'HEAD', '--no-color'], { cwd: dir });
  const run = runAt(dir, { git: { commit, dirty: true, diffArtifact: 'artifacts/git.diff' } });
  await mkdir(join(run.dir, 'artifacts'), { recursive: true });
  await writeFile(join(run.dir, 'artifacts', 'git.diff'), diff);

  const same = await inspectCode(run, dir);
  assert.equal(same.drift.kind, 'none');
  assert.deepEqual(same.current, same.recorded);
  assert.deepEqual(await codeOfRun(run, dir), same.recorded);

  await writeFile(join(dir, 'train.py'), 'lr = 3\n');
  const drifted = await inspectCode(run, dir);
  assert.equal(drifted.drift.kind, 'drift');
  assert.deepEqual(drifted.drift.changedFiles, ['train.py']);
  assert.notDeepEqual(drifted.current, drifted.recorded);
});

test('a diff path from the log cannot leave the run folder; a missing diff is "unknown"', async (t) => {
  const { dir, commit } = await setUp();
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'secret.diff'), 'x');
  const run = runAt(dir, { git: { commit, dirty: true, diffArtifact: '../../../secret.diff' } });
  assert.equal(await readRecordedDiff(run), undefined);
  const facts = await inspectCode(run, dir);
  assert.equal(facts.drift.kind, 'unknown');
  assert.equal(await codeOfRun(run, dir), undefined);
});

test('a clean run at an older commit: HEAD moved and the file changed', async (t) => {
  const { dir, commit } = await setUp();
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'train.py'), 'lr = 5\n');
  await git(['commit', '-qam', 'd'], { cwd: dir, env: AUTHOR });
  const facts = await inspectCode(runAt(dir, { git: { commit, dirty: false } }), dir);
  assert.equal(facts.drift.kind, 'drift');
  assert.ok(facts.drift.headMoved);
  const hostile = await inspectCode(runAt(dir, { git: { commit: '--output=/tmp/x', dirty: false } }), dir);
  assert.equal(hostile.drift.kind, 'unknown');
});

test('scripts compare by their path in the repository, also from a rerun worktree', () => {
  const base = runAt('/w', {});
  assert.equal(scriptKey(base, '/w'), 'train.py');
  assert.equal(scriptKey({ ...base, argv: ['/tmp/trackside-rerun-r-AbC/src/train.py'] }, '/w'), 'src/train.py');
  assert.equal(scriptKey({ ...base, argv: ['train.py'], cwd: '/w/src' }, '/w'), 'src/train.py');
  assert.equal(scriptKey({ ...base, argv: [] }), undefined);
});
