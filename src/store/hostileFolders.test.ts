// Run folders a hostile or careless user can make: each one's trouble stays that run's diagnostic, and every
// other run still indexes.
import assert from 'node:assert/strict';
import { mkdirSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openStore } from './runStore';
import { logPath, tempRoot, writeLog } from '../../test/fixtures/logs';
import { T0 } from '../../test/fixtures/records';
import { simpleRun } from '../../test/fixtures/runs';

function fixture(t: { after: (fn: () => void) => void }) {
  const r = tempRoot();
  t.after(r.cleanup);
  return r.root;
}

test('a log that is a symlink loop, or a run folder that is not a folder, does not stop the other runs', async (t) => {
  const root = fixture(t);
  writeLog(root, 'good', simpleRun('good', 3));
  // ELOOP: root can read mode-000 folders, so a loop is the unreadable log these tests can make.
  const loop = logPath(root, 'loop');
  symlinkSync(loop, loop);
  // ENOTDIR: a run "folder" that is a link to a plain file.
  writeFileSync(join(root, 'plain'), 'x');
  symlinkSync(join(root, 'plain'), join(root, 'runs', 'notdir'));
  const store = await openStore({ roots: [root], now: () => (T0 + 60) * 1000 });
  const report = await store.index();
  assert.deepEqual(store.listRuns().map((r) => r.id), ['good']);
  const reasons = report.diagnostics.map((d) => `${d.file}: ${d.reason}`).join('\n');
  assert.match(reasons, /loop.*ELOOP/);
  assert.match(reasons, /notdir.*ENOTDIR/);
  assert.equal(report.diagnostics.length, 2);
  await store.close();
});

test('a run folder linked to a place outside the root is skipped and named; one linked inside the root is read', async (t) => {
  const root = fixture(t);
  const outside = fixture(t);
  writeLog(outside, 'far', simpleRun('far', 2));
  symlinkSync(join(outside, 'runs', 'far'), join(root, 'runs-pending'));
  mkdirSync(join(root, 'runs'));
  renameSync(join(root, 'runs-pending'), join(root, 'runs', 'far'));
  writeLog(root, 'kept', simpleRun('kept', 2));
  mkdirSync(join(root, 'archive'));
  renameSync(join(root, 'runs', 'kept'), join(root, 'archive', 'kept'));
  symlinkSync(join(root, 'archive', 'kept'), join(root, 'runs', 'near'));
  const store = await openStore({ roots: [root], now: () => (T0 + 60) * 1000 });
  const report = await store.index();
  assert.deepEqual(store.listRuns().map((r) => r.id), ['near']);
  assert.equal(report.diagnostics.length, 1);
  assert.equal(report.diagnostics[0].file, join(root, 'runs', 'far'));
  assert.match(report.diagnostics[0].reason, /outside/);
  // A pass over named runs (file watchers) holds to the same rule.
  const only = await store.indexRuns?.(['far']);
  assert.deepEqual(store.listRuns().map((r) => r.id), ['near']);
  assert.deepEqual(only?.changedRuns, []);
  await store.close();
});
