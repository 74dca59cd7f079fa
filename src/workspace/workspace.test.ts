import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summarizeDiagnostics } from './diagnosticLines';
import { runIdIn } from './runPath';
import { PendingWork } from './pendingWork';

test('one output line per bad file, pointing at its first bad line', () => {
  const lines = summarizeDiagnostics([
    { file: '/w/runs/a/events.jsonl', line: 9, reason: 'not JSON' },
    { file: '/w/runs/a/events.jsonl', line: 3, reason: 'metrics.values is not an object' },
    { file: '/w/runs/a/events.jsonl', line: 12, reason: 'not JSON' },
    { file: '/w/runs/b/user.json', reason: 'user.json is not an object\nsecond line' },
  ]);
  assert.deepEqual(lines, [
    '/w/runs/a/events.jsonl:3: metrics.values is not an object (and 2 more problems in this file)',
    '/w/runs/b/user.json: user.json is not an object second line',
  ]);
  assert.deepEqual(summarizeDiagnostics([]), []);
});

test('the debouncer waits for quiet but never past the max wait', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  const { Debouncer } = await import('./debouncer');
  let fired = 0;
  const d = new Debouncer(40, 150, () => fired++);
  d.trigger();
  t.mock.timers.tick(30);
  d.trigger();
  t.mock.timers.tick(30);
  assert.equal(fired, 0, 'still inside the burst');
  t.mock.timers.tick(15);
  assert.equal(fired, 1, 'quiet for 40 ms');
  // A steady stream every 20 ms is served at the 150 ms mark.
  for (let i = 0; i < 7; i++) {
    d.trigger();
    t.mock.timers.tick(20);
  }
  assert.equal(fired, 1);
  d.trigger();
  t.mock.timers.tick(20);
  assert.equal(fired, 2);
  d.trigger();
  d.dispose();
  t.mock.timers.tick(1000);
  assert.equal(fired, 2, 'disposed: nothing more');
});

test('a file event names the run whose folder it is in, and nothing outside runs/', () => {
  assert.equal(runIdIn('/w/.trackside', '/w/.trackside/runs/r1/events.jsonl'), 'r1');
  assert.equal(runIdIn('/w/.trackside', '/w/.trackside/runs/r1/artifacts/a/b.png'), 'r1');
  assert.equal(runIdIn('/w/.trackside', '/w/.trackside/runs/r2'), 'r2');
  assert.equal(runIdIn('/w/.trackside', '/w/.trackside/runs'), undefined);
  assert.equal(runIdIn('/w/.trackside', '/w/.trackside/index.sqlite'), undefined);
  assert.equal(runIdIn('/w/.trackside', '/w/other/runs/r1/events.jsonl'), undefined);
});

test('pending work: named runs once each, a full pass wins, nothing pending means no pass', () => {
  const work = new PendingWork();
  assert.equal(work.take(), undefined);
  work.run('a');
  work.run('b');
  work.run('a');
  assert.deepEqual(work.take(), ['a', 'b']);
  assert.equal(work.take(), undefined, 'taking clears');
  work.run('a');
  work.everything();
  assert.equal(work.take(), 'all');
  assert.equal(work.take(), undefined);
});
