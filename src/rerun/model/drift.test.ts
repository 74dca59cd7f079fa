import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assessDrift } from './drift';

const C1 = 'a'.repeat(40);
const C2 = 'b'.repeat(40);

test('same code: no drift, even when HEAD moved to an identical tree', () => {
  const same = assessDrift({ commit: C1, dirty: false, diffAvailable: false }, { repo: '/r', head: C1, recordedCommitPresent: true, changedFiles: [] });
  assert.equal(same.kind, 'none');
  assert.equal(same.headMoved, false);
  const moved = assessDrift({ commit: C1, dirty: false, diffAvailable: false }, { repo: '/r', head: C2, recordedCommitPresent: true, changedFiles: [] });
  assert.equal(moved.kind, 'none');
  assert.equal(moved.headMoved, true);
  assert.match(moved.message, /identical/);
});

test('changed files are drift, named in the message, and the recorded state can be rebuilt', () => {
  const d = assessDrift(
    { commit: C1, dirty: true, diffAvailable: true },
    { repo: '/r', head: C2, recordedCommitPresent: true, recordedDiffApplies: true, changedFiles: ['a.py', 'b.py', 'c.py', 'd.py', 'e.py', 'f.py'] },
  );
  assert.equal(d.kind, 'drift');
  assert.ok(d.canRunAtRecorded);
  assert.match(d.message, /6 files differ from the recorded commit aaaaaaaaaa plus its saved uncommitted changes \(HEAD is now bbbbbbbbbb\): a\.py, b\.py, c\.py, d\.py, e\.py and 1 more\./);
});

test('what cannot be known is said, and running at the recorded commit is not offered', () => {
  assert.equal(assessDrift({ dirty: false, diffAvailable: false }, { repo: '/r', head: C1, recordedCommitPresent: false }).kind, 'notRecorded');
  assert.equal(assessDrift({ commit: C1, diffAvailable: false }, { recordedCommitPresent: false }).kind, 'noGit');
  const missing = assessDrift({ commit: C1, diffAvailable: false }, { repo: '/r', head: C2, recordedCommitPresent: false });
  assert.equal(missing.kind, 'unknown');
  assert.equal(missing.canRunAtRecorded, false);
  assert.match(missing.message, /not in this repository/);
  const noDiff = assessDrift({ commit: C1, dirty: true, diffAvailable: false }, { repo: '/r', head: C1, recordedCommitPresent: true, changedFiles: [] });
  assert.equal(noDiff.kind, 'unknown');
  assert.equal(noDiff.canRunAtRecorded, false);
  const badDiff = assessDrift({ commit: C1, dirty: true, diffAvailable: true }, { repo: '/r', head: C1, recordedCommitPresent: true, recordedDiffApplies: false });
  assert.equal(badDiff.kind, 'unknown');
  assert.match(badDiff.message, /does not apply/);
});
