import { test } from 'node:test';
import assert from 'node:assert/strict';
import { consentQuestion, folderNeedingConsent, isWithin, notCheckedDrift } from './gitScope';

test('inside a workspace folder means the folder itself or below it, never a sibling with the same prefix', () => {
  assert.ok(isWithin('/ws', '/ws', false));
  assert.ok(isWithin('/ws/a/b', '/ws', false));
  assert.ok(isWithin('/ws/..hidden', '/ws', false));
  assert.ok(!isWithin('/ws-other', '/ws', false));
  assert.ok(!isWithin('/', '/ws', false));
  assert.ok(!isWithin('/elsewhere/repo', '/ws', false));
  assert.ok(isWithin('C:\\Work\\WS\\src', 'c:\\work\\ws', true), 'Windows paths compare case-insensitively');
  assert.ok(!isWithin('D:\\ws', 'C:\\ws', true));
});

test('git needs consent for the first place outside every workspace folder, the repository included', () => {
  const folders = ['/ws', '/data/other'];
  assert.equal(folderNeedingConsent(['/ws/src', '/ws'], folders, false), undefined);
  assert.equal(folderNeedingConsent(['/data/other/x'], folders, false), undefined);
  assert.equal(folderNeedingConsent(['/elsewhere/repo'], folders, false), '/elsewhere/repo');
  assert.equal(folderNeedingConsent(['/ws/pkg', '/'], folders, false), '/', 'a repository above the workspace folder is outside it');
  assert.equal(folderNeedingConsent(['/ws'], [], false), '/ws', 'no workspace folders: always ask');
});

test('the question names the folder and says why; the skipped check says so in the review', () => {
  const q = consentQuestion('/elsewhere/repo');
  assert.match(q.detail, /\/elsewhere\/repo/);
  assert.match(q.detail, /run programs/);
  const d = notCheckedDrift('/elsewhere/repo');
  assert.equal(d.kind, 'notChecked');
  assert.equal(d.canRunAtRecorded, false);
  assert.match(d.message, /\/elsewhere\/repo/);
});
