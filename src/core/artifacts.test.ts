import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { artifactUnderRun } from './artifacts';

test('artifacts resolve under the run folder; symlinks out of it are refused', async (t) => {
  const base = await mkdtemp(path.join(tmpdir(), 'trackside-artifacts-'));
  t.after(() => rm(base, { recursive: true, force: true }));
  const run = path.join(base, 'run');
  await mkdir(path.join(run, 'plots'), { recursive: true });
  await writeFile(path.join(run, 'plots', 'loss.png'), 'png');
  await writeFile(path.join(base, 'secret.png'), 'secret');
  await symlink(path.join(base, 'secret.png'), path.join(run, 'escape.png'));
  await symlink(run, path.join(base, 'linked-run'));

  assert.equal(await artifactUnderRun(run, 'plots/loss.png'), path.join(run, 'plots', 'loss.png'));
  // Lexically inside, really outside: the old string check let this through.
  assert.equal(await artifactUnderRun(run, 'escape.png'), undefined);
  assert.equal(await artifactUnderRun(run, '../secret.png'), undefined);
  assert.equal(await artifactUnderRun(run, 'missing.png'), undefined);
  // A run folder reached through a symlink keeps its spelling, so it stays under localResourceRoots.
  const linked = path.join(base, 'linked-run');
  assert.equal(await artifactUnderRun(linked, 'plots/loss.png'), path.join(linked, 'plots', 'loss.png'));
});
