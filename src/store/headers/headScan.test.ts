import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openStore, USER_FILE } from '../runStore';
import { logPath, runDir, tempRoot, writeLog } from '../../../test/fixtures/logs';
import { encodeLine, heartbeat, metrics, params, start, status, T0 } from '../../../test/fixtures/records';
import { simpleRun } from '../../../test/fixtures/runs';
import { readHeader, type HeaderRun } from './headScan';

function fixture(t: { after: (fn: () => void) => void }): string {
  const r = tempRoot();
  t.after(r.cleanup);
  return r.root;
}

function runOf(root: string, id: string): HeaderRun {
  const dir = join(root, 'runs', id);
  return { id, root, dir, log: join(dir, 'events.jsonl'), editsDir: dir };
}

test('a header gives name, project, tags, params and the final status from the tail of a long log', async (t) => {
  const root = fixture(t);
  // 5,000 steps: far more than head and tail together, so the middle is never read.
  writeLog(root, 'r1', simpleRun('r1', 5000, { start: { name: 'first', project: 'p', tags: ['a', 'b'] }, status: 'failed' }));
  const size = statSync(logPath(root, 'r1')).size;
  assert.ok(size > 64 * 1024 + 16 * 1024, `the log (${size} bytes) is longer than head and tail`);
  const h = await readHeader(runOf(root, 'r1'));
  assert.ok(h);
  assert.equal(h.state.name, 'first');
  assert.equal(h.state.project, 'p');
  assert.deepEqual(h.state.tags, ['a', 'b']);
  assert.deepEqual(h.state.params, { lr: 0.1, 'model.depth': 4, 'model.act': 'relu' });
  assert.equal(h.state.status, 'failed');
  assert.equal(h.state.exitCode, 1);
  assert.equal(h.state.startTime, T0 * 1000);
  assert.equal(h.state.endTime, (T0 + 5000) * 1000);
  assert.equal(h.state.lastUpdate, (T0 + 5000) * 1000);
  assert.equal(h.file.size, size);
});

test('a running run whose last record is old is crashed (the quiet-timeout rule), a recent one running', async (t) => {
  const root = fixture(t);
  writeLog(root, 'quiet', [...simpleRun('quiet', 3), heartbeat(T0 + 10)]);
  writeLog(root, 'busy', [...simpleRun('busy', 3), metrics(3, { loss: 1 }, T0 + 200)]);
  // Only the headers are read: the store is asked before any pass.
  const store = await openStore({ roots: [root], now: () => (T0 + 250) * 1000, crashAfterMs: 120_000 });
  t.after(() => store.close());
  const report = await store.scanHeaders!();
  assert.equal(report.listed, 2);
  const byId = new Map(store.listRuns().map((r) => [r.id, r]));
  assert.equal(byId.get('quiet')?.status, 'crashed');
  assert.equal(byId.get('busy')?.status, 'running');
  assert.equal(byId.get('busy')?.lastUpdate, (T0 + 200) * 1000);
  assert.deepEqual(byId.get('busy')?.metrics, {}, 'no metric comes from a header');
});

test('a head cut mid-line uses only the complete lines before the cut', async (t) => {
  const root = fixture(t);
  const lines = [start({ id: 'cut', name: 'cut-run' }), params({ a: 1 }), params({ b: 2 })].map(encodeLine);
  runDir(root, 'cut');
  // The head ends inside the third line (the second params record), whatever follows.
  const headBytes = lines[0].length + 1 + lines[1].length + 1 + 10;
  writeFileSync(logPath(root, 'cut'), lines.join('\n') + '\n' + encodeLine(metrics(0, { loss: 1 }, T0 + 1)) + '\n');
  const h = await readHeader(runOf(root, 'cut'), headBytes, 64);
  assert.ok(h);
  assert.equal(h.state.name, 'cut-run');
  assert.deepEqual(h.state.params, { a: 1 }, 'the cut params line is not read (and the tail does not start mid-line)');
  assert.equal(h.state.lastUpdate, (T0 + 1) * 1000, 'the last line, in the tail, gives the last write');
});

test('a start record larger than the head leaves the name to the full pass; the tail still gives the status', async (t) => {
  const root = fixture(t);
  const big = start({ id: 'big', name: 'big-run', env: { os: 'Linux', packages: Object.fromEntries(Array.from({ length: 5000 }, (_, i) => [`pkg${i}`, '1.0.0'])) } });
  assert.ok(encodeLine(big).length > 64 * 1024);
  writeLog(root, 'big', [big, params({ lr: 1 }), metrics(0, { loss: 1 }, T0 + 1), status('finished', { ts: T0 + 2 })]);
  const h = await readHeader(runOf(root, 'big'));
  assert.ok(h);
  assert.equal(h.state.hasStart, false);
  assert.equal(h.state.name, undefined);
  assert.equal(h.state.status, 'finished');
  assert.equal(h.state.lastUpdate, (T0 + 2) * 1000);
  // Listed under its id until the pass reads the start record; then under its name.
  const store = await openStore({ roots: [root], now: () => (T0 + 60) * 1000 });
  t.after(() => store.close());
  await store.scanHeaders!();
  assert.equal(store.listRuns()[0].name, 'big');
  await store.index();
  assert.equal(store.listRuns()[0].name, 'big-run');
});

test('malformed lines are skipped, a torn last line is not read, and a missing or absent log gives no header', async (t) => {
  const root = fixture(t);
  writeLog(
    root,
    'bad',
    [
      start({ id: 'bad', name: 'still-here' }),
      'not json at all', // deliberately broken lines: the point of the test
      '{"t":"params","ts":1700000000,"source":"config","params":[1,2]}',
      '[1,2,3]',
      params({ ok: true }),
      status('finished', { ts: T0 + 5 }),
      '{"t":"status","ts":1700000009,"status":"fail',
    ],
    false,
  );
  const h = await readHeader(runOf(root, 'bad'));
  assert.ok(h);
  assert.equal(h.state.name, 'still-here');
  assert.deepEqual(h.state.params, { ok: true });
  assert.equal(h.state.status, 'finished', 'the torn last line is a write in progress, not read');
  runDir(root, 'empty');
  assert.equal(await readHeader(runOf(root, 'empty')), undefined);
  assert.equal(await readHeader(runOf(root, 'nowhere')), undefined);
  // A FIFO in a log's place is not read (nor waited on: opening it must not block a thread-pool thread).
  execFileSync('mkfifo', [join(runDir(root, 'fifo'), 'events.jsonl')]);
  assert.equal(await readHeader(runOf(root, 'fifo')), undefined);
});

test('user.json edits apply to the header, as to the indexed run', async (t) => {
  const root = fixture(t);
  writeLog(root, 'ed', simpleRun('ed', 3, { status: 'finished' }));
  writeFileSync(join(runDir(root, 'ed'), USER_FILE), JSON.stringify({ name: 'renamed', archived: true, tags: ['x'] }));
  const h = await readHeader(runOf(root, 'ed'));
  assert.ok(h);
  assert.deepEqual(h.state.user, { name: 'renamed', archived: true, tags: ['x'] });
});

test('headers are listed until the full pass has read the runs, never persisted, and the pass wins', async (t) => {
  const root = fixture(t);
  for (let i = 0; i < 5; i++) writeLog(root, `r${i}`, simpleRun(`r${i}`, 10, { status: 'finished', t0: T0 + i }));
  const dbPath = join(root, 'index.sqlite');
  const store = await openStore({ roots: [root], dbPath, now: () => (T0 + 60) * 1000 });
  const report = await store.scanHeaders!();
  assert.equal(report.listed, 5);
  const listed = store.listRuns({ sort: { key: { kind: 'start' }, descending: true } });
  assert.deepEqual(listed.map((r) => r.id), ['r4', 'r3', 'r2', 'r1', 'r0']);
  assert.ok(listed.every((r) => r.status === 'finished' && Object.keys(r.metrics).length === 0));
  assert.equal(store.getRun('r2')?.argv.length, 3, 'the header holds the detail of the start record');
  // Persisting headers alone writes nothing: a reopened index holds no run.
  await store.persist();
  const again = await openStore({ roots: [root], dbPath, now: () => (T0 + 60) * 1000 });
  assert.equal(again.listRuns().length, 0);
  await again.close();
  await store.index();
  assert.deepEqual(store.settledRuns!().sort(), ['r0', 'r1', 'r2', 'r3', 'r4']);
  const indexed = store.listRuns();
  assert.equal(indexed.length, 5);
  assert.ok(indexed.every((r) => r.metrics.loss?.count === 10));
  // After the first full pass no header is read again, and a warm store lists from its index alone.
  assert.equal((await store.scanHeaders!()).listed, 0);
  await store.persist();
  await store.close();
  const warm = await openStore({ roots: [root], dbPath, now: () => (T0 + 60) * 1000 });
  t.after(() => warm.close());
  assert.equal(warm.listRuns().length, 5, 'rows from the persisted index before any pass');
  assert.equal((await warm.scanHeaders!()).listed, 0, 'no header read for a run the index holds');
});
