import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, realpath, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isPlainRelative, joinInside, resolveInside } from './paths';

test('only plainly relative recorded paths are accepted', () => {
  for (const bad of ['', '/etc/passwd', '\\\\server\\share\\x', 'C:/Windows/win.ini', 'c:x', '../secret', 'a/../../b', 'a\\..\\b', 'x\u0000y']) {
    assert.equal(isPlainRelative(bad), false, bad);
  }
  assert.equal(isPlainRelative('artifacts/plot.png'), true);
  assert.equal(joinInside('/r/run1/', './artifacts\\a.png'), '/r/run1/artifacts/a.png');
  assert.equal(joinInside('/r/run1', '.'), undefined);
});

test('resolveInside follows symlinks and refuses what leaves the run folder', async () => {
  const base = await realpath(await mkdtemp(join(tmpdir(), 'trackside-paths-')));
  try {
    const run = join(base, 'run');
    await mkdir(join(run, 'artifacts'), { recursive: true });
    await writeFile(join(run, 'artifacts', 'plot.png'), 'png');
    await writeFile(join(base, 'secret'), 'secret');
    await symlink(join(base, 'secret'), join(run, 'artifacts', 'escape.txt'));
    await symlink(base, join(run, 'up'));
    await symlink(join(run, 'artifacts', 'plot.png'), join(run, 'alias.png'));

    assert.equal(await resolveInside(run, 'artifacts/plot.png'), join(run, 'artifacts', 'plot.png'));
    assert.equal(await resolveInside(run, 'artifacts/escape.txt'), undefined);
    assert.equal(await resolveInside(run, 'up/secret'), undefined);
    assert.equal(await resolveInside(run, '../secret'), undefined);
    assert.equal(await resolveInside(run, join(base, 'secret')), undefined);
    assert.equal(await resolveInside(run, 'artifacts/missing.png'), undefined);
    // A symlink that stays inside resolves to its target, which is what gets opened.
    assert.equal(await resolveInside(run, 'alias.png'), join(run, 'artifacts', 'plot.png'));
    // The run folder reached through a symlink is still the same folder.
    await symlink(run, join(base, 'run-link'));
    assert.equal(await resolveInside(join(base, 'run-link'), 'artifacts/plot.png'), join(run, 'artifacts', 'plot.png'));
  } finally {
    await rm(base, { recursive: true, force: true });
  }
});

test('resolveInside holds a run folder linked out of its root to that root', async () => {
  const base = await realpath(await mkdtemp(join(tmpdir(), 'trackside-paths-')));
  try {
    const far = join(base, 'elsewhere', 'run');
    await mkdir(join(far, 'artifacts'), { recursive: true });
    await writeFile(join(far, 'artifacts', 'plot.png'), 'png');
    const root = join(base, 'project', '.trackside');
    await mkdir(join(root, 'runs'), { recursive: true });
    await mkdir(join(root, 'archive'));
    await symlink(far, join(root, 'runs', 'far'));
    assert.equal(await resolveInside(join(root, 'runs', 'far'), 'artifacts/plot.png'), undefined);
    // Linked to another place inside the root: its artifacts are read there.
    await rename(far, join(root, 'archive', 'run'));
    await symlink(join(root, 'archive', 'run'), join(root, 'runs', 'near'));
    assert.equal(await resolveInside(join(root, 'runs', 'near'), 'artifacts/plot.png'), join(root, 'archive', 'run', 'artifacts', 'plot.png'));
  } finally {
    await rm(base, { recursive: true, force: true });
  }
});
