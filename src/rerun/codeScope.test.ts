import { test } from 'node:test';
import assert from 'node:assert/strict';
import { access, chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { RunDetail } from '../store/types';
import { codeFactsBeforeConsent } from './codeScope';
import { git, head } from './git';

const AUTHOR = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@t', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@t' };

const present = (path: string) => access(path).then(() => true, () => false);

/**
 * A repository whose own config runs a script (core.fsmonitor) whenever git refreshes its index: what a hostile
 * repository named by a log's working directory could hold. The script leaves a marker file when it runs.
 */
async function trappedRepo(base: string): Promise<{ repo: string; marker: string; commit: string }> {
  const repo = join(base, 'elsewhere');
  await mkdir(repo);
  await git(['init', '-q'], { cwd: repo });
  await writeFile(join(repo, 'train.py'), 'lr = 1\n');
  await git(['add', '.'], { cwd: repo });
  await git(['commit', '-q', '-m', 'c'], { cwd: repo, env: AUTHOR });
  const commit = (await head(repo)) as string;
  const marker = join(base, 'fsmonitor-ran');
  const hook = join(base, 'hook.sh');
  await writeFile(hook, `#!/bin/sh\ntouch '${marker}'\nexit 1\n`);
  await chmod(hook, 0o755);
  await git(['config', 'core.fsmonitor', hook], { cwd: repo });
  return { repo, marker, commit };
}

function runIn(cwd: string, commit: string): RunDetail {
  return {
    id: 'r', root: join(cwd, '.trackside'), dir: join(cwd, '.trackside', 'runs', 'r'), name: 'r', project: 'p', tags: [], status: 'finished',
    startTime: 0, lastUpdate: 0, params: {}, metrics: {}, summary: {}, argv: [join(cwd, 'train.py')], cwd,
    env: { git: { commit, dirty: false } }, artifacts: [], overrides: {},
  };
}

test('a working directory outside the workspace folders: no git runs there before the user agrees', { skip: process.platform === 'win32' }, async (t) => {
  const base = await mkdtemp(join(tmpdir(), 'trackside-scope-'));
  t.after(() => rm(base, { recursive: true, force: true }));
  const workspace = join(base, 'workspace');
  await mkdir(workspace);
  const { repo, marker, commit } = await trappedRepo(base);
  const asked: string[] = [];

  for (const answer of [undefined, 'skip'] as const) {
    const facts = await codeFactsBeforeConsent(runIn(repo, commit), repo, [workspace], async (folder) => {
      asked.push(folder);
      return answer;
    });
    assert.equal(await present(marker), false, `no git process ran in ${repo} (answer: ${answer ?? 'dismissed'})`);
    if (answer === undefined) assert.equal(facts, undefined, 'dismissing the question cancels the rerun');
    else {
      assert.equal(facts?.repo, undefined);
      assert.equal(facts?.drift.kind, 'notChecked');
      assert.match(facts?.drift.message ?? '', /not checked/);
    }
  }
  assert.deepEqual(asked, [repo, repo], 'the question names the folder');
});

test('agreeing to the check runs git with fsmonitor off; a folder inside the workspace needs no question', { skip: process.platform === 'win32' }, async (t) => {
  const base = await mkdtemp(join(tmpdir(), 'trackside-scope-'));
  t.after(() => rm(base, { recursive: true, force: true }));
  const { repo, marker, commit } = await trappedRepo(base);
  // The trap is real: plain git obeys the repository's fsmonitor setting.
  await promisify(execFile)('git', ['status', '--porcelain'], { cwd: repo });
  assert.ok(await present(marker), 'plain git ran the configured fsmonitor program');
  await rm(marker);

  const agreed = await codeFactsBeforeConsent(runIn(repo, commit), repo, [join(base, 'workspace')], async () => 'check');
  assert.equal(agreed?.drift.kind, 'none');
  assert.equal(await present(marker), false, 'even with consent, Trackside\'s git calls turn fsmonitor off');

  const inside = await codeFactsBeforeConsent(runIn(repo, commit), repo, [base], async () => assert.fail('asked about a workspace folder'));
  assert.equal(inside?.drift.kind, 'none');
});
