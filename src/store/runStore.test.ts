import assert from 'node:assert/strict';
import { readFileSync, truncateSync, unlinkSync, utimesSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { poolStats } from './ingest/parsePool';
import { limits, openStore, USER_FILE } from './runStore';
import { SCHEMA_VERSION } from './index/schema';
import { trailerFor } from './index/sealedFile';
import { appendLog, logPath, runDir, tempRoot, writeLog } from '../../test/fixtures/logs';
import { prng } from '../../test/fixtures/prng';
import { artifact, encodeLine, heartbeat, logText, metrics, params, start, status, summary, T0, type LogRecord } from '../../test/fixtures/records';
import { simpleRun } from '../../test/fixtures/runs';
import { overviewApplies } from './index/overview';
import { assertFaithful } from '../../test/fixtures/series';
import type { RunStore } from './types';

async function open(root: string, extra: { dbPath?: string; now?: () => number } = {}): Promise<RunStore> {
  return openStore({ roots: [root], now: () => (T0 + 60) * 1000, ...extra });
}

function fixture(t: { after: (fn: () => void) => void }) {
  const r = tempRoot();
  t.after(r.cleanup);
  return r.root;
}

async function pointsOf(store: RunStore, id: string, key: string) {
  const [s] = await store.series({ runIds: [id], keys: [key], points: 1_000_000 });
  return s === undefined ? [] : [...s.steps].map((step, i) => [step, s.values[i]]);
}

test('index, list and get a run with exactly the logged values', async (t) => {
  const root = fixture(t);
  writeLog(root, 'r1', [
    ...simpleRun('r1', 3),
    '{"t":"metrics","ts":1700000010,"step":3,"values":{"loss":NaN,"acc":Infinity}}',
    summary({ best: { acc: 0.3 } }, T0 + 11),
    artifact('artifacts/model.pt', { ts: T0 + 12, kind: 'model', size: 5 }),
    status('finished', { ts: T0 + 13 }),
  ]);
  const store = await open(root);
  const report = await store.index();
  assert.equal(report.runs, 1);
  assert.equal(report.points, 8);
  assert.deepEqual(report.changedRuns, ['r1']);
  assert.deepEqual(report.diagnostics, []);
  const [run] = store.listRuns();
  assert.equal(run.id, 'r1');
  assert.equal(run.name, 'name-r1');
  assert.equal(run.status, 'finished');
  assert.equal(run.startTime, T0 * 1000);
  assert.equal(run.endTime, (T0 + 13) * 1000);
  assert.equal(run.lastStep, 3);
  assert.deepEqual(run.params, { lr: 0.1, 'model.depth': 4, 'model.act': 'relu' });
  assert.deepEqual(run.metrics.loss, { last: NaN, lastStep: 3, min: 9, max: 10, count: 4 });
  assert.deepEqual(run.metrics.acc, { last: Infinity, lastStep: 3, min: 0, max: 0.2, count: 4 });
  assert.equal(run.gitCommit, 'abc123');
  assert.equal(run.gitDirty, true);
  const detail = store.getRun('r1');
  assert.deepEqual(detail?.argv, ['train.py', '--lr', '0.1']);
  assert.deepEqual(detail?.artifacts, [{ path: 'artifacts/model.pt', kind: 'model', size: 5, time: (T0 + 12) * 1000 }]);
  assert.deepEqual(detail?.summary, { 'best.acc': 0.3 });
  assert.equal(detail?.env.git?.diffArtifact, 'artifacts/git.diff');
  assert.deepEqual(await pointsOf(store, 'r1', 'loss'), [[0, 10], [1, 9.5], [2, 9], [3, NaN]]);
  assert.deepEqual(store.metricKeys(), ['acc', 'loss']);
  assert.equal(store.getRun('nope'), undefined);
  await store.close();
});

test('appended lines are read once; a torn line waits until complete', async (t) => {
  const root = fixture(t);
  writeLog(root, 'r1', simpleRun('r1', 2));
  const store = await open(root);
  await store.index();
  appendLog(root, 'r1', logText([metrics(2, { loss: 1 }, T0 + 5)]) + '{"t":"metrics","ts":1700000006,"step":3,');
  let report = await store.index();
  assert.equal(report.points, 1);
  assert.deepEqual(report.diagnostics, []);
  assert.deepEqual(await pointsOf(store, 'r1', 'loss'), [[0, 10], [1, 9.5], [2, 1]]);
  report = await store.index();
  assert.equal(report.points, 0);
  assert.deepEqual(report.changedRuns, []);
  appendLog(root, 'r1', '"values":{"loss":0.5}}\n');
  report = await store.index();
  assert.equal(report.points, 1);
  assert.deepEqual(await pointsOf(store, 'r1', 'loss'), [[0, 10], [1, 9.5], [2, 1], [3, 0.5]]);
  assert.equal(store.listRuns()[0].metrics.loss.count, 4);
  await store.close();
});

test('a truncated or replaced log is reindexed from scratch', async (t) => {
  const root = fixture(t);
  const path = writeLog(root, 'r1', simpleRun('r1', 5));
  const store = await open(root);
  await store.index();
  assert.equal(store.listRuns()[0].metrics.loss.count, 5);
  truncateSync(path, 0);
  writeLog(root, 'r1', simpleRun('r1', 2));
  await store.index();
  assert.deepEqual(await pointsOf(store, 'r1', 'loss'), [[0, 10], [1, 9.5]]);
  // Same length or longer but different first bytes: a replaced file.
  const other = simpleRun('r1', 4, { lr: 0.7 });
  other[0] = start({ id: 'r1', name: 'renamed' });
  writeLog(root, 'r1', other);
  await store.index();
  const [run] = store.listRuns();
  assert.equal(run.name, 'renamed');
  assert.equal(run.params.lr, 0.7);
  assert.equal(run.metrics.loss.count, 4);
  await store.close();
});

test('a run replaced in an index created this session keeps no rows of its old log', async (t) => {
  const root = fixture(t);
  const dbPath = join(root, 'index.db');
  const old: (LogRecord | string)[] = simpleRun('r1', 600);
  old[0] = start({ id: 'r1', tags: ['old', 'gone'] });
  old.push('not json', artifact('artifacts/a.pt', { ts: T0 + 1 }));
  writeLog(root, 'r1', old);
  const store = await open(root, { dbPath });
  await store.index();
  // Other first bytes: replaced. Fewer params and tags, no artifact, no bad line, no metrics.
  writeLog(root, 'r1', [start({ id: 'r1', name: 'replaced', tags: ['new'] }), params({ lr: 0.2 })]);
  await store.index();
  await store.persist();
  await store.close();
  const SQL = await (await import('sql.js')).default();
  const db = new SQL.Database(readFileSync(dbPath));
  t.after(() => db.close());
  const rows = (sql: string) => db.exec(sql)[0]?.values ?? [];
  assert.deepEqual(rows("SELECT key, num FROM params WHERE run = 'r1'"), [['lr', 0.2]]);
  assert.deepEqual(rows("SELECT tag FROM tags WHERE run = 'r1'"), [['new']]);
  for (const table of ['artifacts', 'diagnostics', 'series', 'chunks']) assert.deepEqual(rows(`SELECT count(*) FROM ${table} WHERE run = 'r1'`), [[0]], table);
});

test('exactly once across a persisted restart, with an append in between', async (t) => {
  const root = fixture(t);
  const dbPath = join(root, 'index.sqlite');
  writeLog(root, 'r1', simpleRun('r1', 3));
  writeLog(root, 'r2', simpleRun('r2', 1));
  let store = await open(root, { dbPath });
  await store.index();
  await store.persist();
  await store.close();
  appendLog(root, 'r1', logText([metrics(undefined, { loss: 7 }, T0 + 9)]));
  store = await open(root, { dbPath });
  assert.equal(store.listRuns().length, 2, 'runs are listed from the persisted index before any pass');
  const report = await store.index();
  assert.equal(report.points, 1);
  assert.deepEqual(report.changedRuns, ['r1']);
  assert.deepEqual(await pointsOf(store, 'r1', 'loss'), [[0, 10], [1, 9.5], [2, 9], [3, 7]]);
  await store.close();
});

test('a corrupt or older index is rebuilt from the logs, and says so', async (t) => {
  const root = fixture(t);
  const dbPath = join(root, 'index.sqlite');
  writeLog(root, 'r1', simpleRun('r1', 3));
  writeFileSync(dbPath, 'this is not a database');
  let store = await open(root, { dbPath });
  let report = await store.index();
  assert.equal(report.points, 6);
  assert.ok(report.diagnostics.some((d) => d.file === dbPath && /rebuilt/.test(d.reason)));
  await store.persist();
  await store.close();

  // Rewrite the schema version inside the persisted index.
  const initSqlJs = (await import('sql.js')).default;
  const SQL = await initSqlJs();
  const { readFileSync } = await import('node:fs');
  const db = new SQL.Database(readFileSync(dbPath));
  db.run("UPDATE meta SET value = ? WHERE key = 'schema'", [String(SCHEMA_VERSION - 1)]);
  const image = db.export();
  writeFileSync(dbPath, Buffer.concat([image, trailerFor(image)]));
  db.close();
  store = await open(root, { dbPath });
  report = await store.index();
  assert.equal(report.points, 6);
  assert.match(report.diagnostics[0].reason, /schema version/);
  assert.equal(store.listRuns()[0].metrics.loss.count, 3);
  await store.close();
});

test('bad lines are reported with file and line and skipped; one diagnostic per bad file', async (t) => {
  const root = fixture(t);
  const lines: (LogRecord | string)[] = simpleRun('r1', 3);
  lines.splice(2, 0, '{"t":"metrics","ts":1,"step":', 'garbage', JSON.stringify({ t: 'metrics', ts: 1, step: 'x', values: { loss: 1 } }));
  const path = writeLog(root, 'r1', lines);
  writeLog(root, 'ok', simpleRun('ok', 2));
  const store = await open(root);
  const report = await store.index();
  assert.equal(report.diagnostics.length, 1);
  const [d] = report.diagnostics;
  assert.equal(d.file, path);
  assert.equal(d.line, 3);
  assert.equal(d.count, 3);
  assert.deepEqual(d.lines?.map((l) => l.line), [3, 4, 5]);
  const diags = store.diagnostics();
  assert.equal(diags.length, 1);
  assert.match(diags[0].reason, /and 2 more bad lines/);
  assert.equal(store.listRuns({ sort: { key: { kind: 'name' } } }).find((r) => r.id === 'r1')?.metrics.loss.count, 3);
  await store.close();
});

test('a log without start is read with its id from the folder', async (t) => {
  const root = fixture(t);
  writeLog(root, 'headless', [metrics(0, { a: 1 }, T0 + 1)]);
  const store = await open(root);
  await store.index();
  const [run] = store.listRuns();
  assert.equal(run.id, 'headless');
  assert.equal(run.name, 'headless');
  assert.equal(run.startTime, (T0 + 1) * 1000);
  await store.close();
});

test('duplicate steps: the later value wins in series and summary', async (t) => {
  const root = fixture(t);
  writeLog(root, 'r1', [
    start({ id: 'r1' }),
    ...[0, 1, 2, 1, 2, 2].map((step, i) => metrics(step, { a: i }, T0 + i)),
  ]);
  const store = await open(root);
  await store.index();
  assert.deepEqual(await pointsOf(store, 'r1', 'a'), [[0, 0], [1, 3], [2, 5]]);
  assert.deepEqual(store.listRuns()[0].metrics.a, { last: 5, lastStep: 2, min: 0, max: 5, count: 3 });
  appendLog(root, 'r1', logText([metrics(0, { a: -4 }, T0 + 9)]));
  await store.index();
  assert.deepEqual(await pointsOf(store, 'r1', 'a'), [[0, -4], [1, 3], [2, 5]]);
  assert.deepEqual(store.listRuns()[0].metrics.a, { last: 5, lastStep: 2, min: -4, max: 5, count: 3 });
  await store.close();
});

test('series: downsampling, range, afterStep and the time axis across chunks', async (t) => {
  const root = fixture(t);
  const n = 10_000;
  const lines: LogRecord[] = [start({ id: 'r1' })];
  for (let s = 0; s < n; s++) lines.push(metrics(s, { v: s === 7777 ? 1e6 : Math.sin(s) }, T0 + s / 10));
  writeLog(root, 'r1', lines);
  const store = await open(root);
  await store.index();
  const [full] = await store.series({ runIds: ['r1'], keys: ['v'], points: 1_000_000 });
  assert.equal(full.total, n);
  assert.equal(full.steps.length, n);
  assert.equal(full.times[5000], (T0 + 500) * 1000);
  const [small] = await store.series({ runIds: ['r1'], keys: ['v'], points: 100 });
  assert.equal(small.total, n);
  assert.ok(small.steps.length <= 100);
  assert.equal(small.steps[0], 0);
  assert.equal(small.steps.at(-1), n - 1);
  assert.ok([...small.values].includes(1e6));
  const [range] = await store.series({ runIds: ['r1'], keys: ['v'], points: 1000, range: [4000, 4999] });
  assert.equal(range.total, 1000);
  assert.equal(range.steps[0], 4000);
  assert.equal(range.steps.at(-1), 4999);
  const [live] = await store.series({ runIds: ['r1'], keys: ['v'], points: 1000, afterStep: 9990 });
  assert.deepEqual([...live.steps], [9991, 9992, 9993, 9994, 9995, 9996, 9997, 9998, 9999]);
  const [byTime] = await store.series({ runIds: ['r1'], keys: ['v'], points: 1000, x: 'time', range: [(T0 + 100) * 1000, (T0 + 100.5) * 1000] });
  assert.deepEqual([...byTime.steps], [1000, 1001, 1002, 1003, 1004, 1005]);
  assert.deepEqual((await store.series({ runIds: ['r1', 'missing'], keys: ['v', 'nope'], points: 10 })).length, 1);
  await store.close();
});

test('status: running, then crashed when silent longer than crashAfterMs', async (t) => {
  const root = fixture(t);
  writeLog(root, 'r1', simpleRun('r1', 2));
  let now = (T0 + 30) * 1000;
  const store = await openStore({ roots: [root], now: () => now, crashAfterMs: 120_000 });
  await store.index();
  assert.equal(store.listRuns()[0].status, 'running');
  now = (T0 + 200) * 1000;
  assert.equal(store.listRuns()[0].status, 'crashed');
  assert.equal(store.listRuns({ status: ['crashed'] }).length, 1);
  appendLog(root, 'r1', logText([heartbeat(T0 + 190)]));
  await store.index();
  assert.equal(store.listRuns()[0].status, 'running');
  await store.close();
});

test('user.json overlays name, tags and notes and is re-read when it changes', async (t) => {
  const root = fixture(t);
  writeLog(root, 'r1', simpleRun('r1', 1, { status: 'finished' }));
  const userPath = join(runDir(root, 'r1'), USER_FILE);
  writeFileSync(userPath, JSON.stringify({ name: 'best run', tags: ['keep'], notes: 'look', starred: true }));
  const store = await open(root);
  await store.index();
  let [run] = store.listRuns();
  assert.equal(run.name, 'best run');
  assert.deepEqual(run.tags, ['keep']);
  assert.equal(run.notes, 'look');
  assert.equal(run.starred, true);
  assert.equal(run.archived, undefined);
  writeFileSync(userPath, JSON.stringify({ archived: true }));
  utimesSync(userPath, new Date(), new Date(Date.now() + 5000));
  await store.index();
  [run] = store.listRuns();
  assert.equal(run.name, 'name-r1');
  assert.equal(run.archived, true);
  writeFileSync(userPath, '{broken');
  utimesSync(userPath, new Date(), new Date(Date.now() + 10_000));
  await store.index();
  assert.ok(store.diagnostics().some((d) => d.file === userPath));
  unlinkSync(userPath);
  await store.index();
  assert.equal(store.listRuns()[0].archived, undefined);
  await store.close();
});

test('removed runs leave the index', async (t) => {
  const root = fixture(t);
  writeLog(root, 'r1', simpleRun('r1', 1));
  writeLog(root, 'r2', simpleRun('r2', 1));
  const store = await open(root);
  await store.index();
  rmSync(runDir(root, 'r2'), { recursive: true });
  const report = await store.index();
  assert.deepEqual(report.removedRuns, ['r2']);
  assert.deepEqual(store.listRuns().map((r) => r.id), ['r1']);
  await store.close();
});

test('stopping a pass midway and resuming gives the same index as a fresh pass', async (t) => {
  const root = fixture(t);
  for (let i = 0; i < 30; i++) writeLog(root, `r${String(i).padStart(2, '0')}`, simpleRun(`r${i}`, 20 + i));
  const dbPath = join(root, 'index.sqlite');
  const controller = new AbortController();
  let store = await open(root, { dbPath });
  const partial = await store.index(controller.signal, (done) => {
    if (done === 10) controller.abort();
  });
  assert.ok(partial.changedRuns.length < 30);
  await store.persist();
  await store.close();
  store = await open(root, { dbPath });
  await store.index();
  const fresh = await open(root);
  await fresh.index();
  const summary = (s: RunStore) => JSON.stringify(s.listRuns().map((r) => [r.id, r.metrics, r.params]));
  assert.equal(summary(store), summary(fresh));
  assert.deepEqual(await pointsOf(store, 'r29', 'loss'), await pointsOf(fresh, 'r29', 'loss'));
  await store.close();
  await fresh.close();
});

test('a log that disappears or cannot be read does not throw', async (t) => {
  const root = fixture(t);
  writeLog(root, 'r1', simpleRun('r1', 1));
  runDir(root, 'empty-folder');
  const store = await open(root);
  await store.index();
  unlinkSync(logPath(root, 'r1'));
  const report = await store.index();
  assert.deepEqual(report.removedRuns, ['r1']);
  const missingRoot = await openStore({ roots: [join(root, 'nowhere')] });
  assert.equal((await missingRoot.index()).runs, 0);
  await store.close();
  await missingRoot.close();
});

test('a huge log is checkpointed mid-file and ends up identical to one read in one go', async (t) => {
  const root = fixture(t);
  const lines: LogRecord[] = [start({ id: 'big' })];
  for (let s = 0; s < 30_000; s++) lines.push(metrics(s, { a: s % 97, b: -s }, T0 + s));
  writeLog(root, 'big', lines);
  const whole = await open(root);
  await whole.index();
  const saved = limits.flushPoints;
  limits.flushPoints = 5000;
  t.after(() => (limits.flushPoints = saved));
  // Lines long enough that the file spans several read chunks, so checkpoints land between batches.
  const pad = 'p'.repeat(300);
  writeLog(root, 'padded', lines.map((l, i) => (i === 0 ? l : encodeLine(l).replace('{"t"', `{"pad":"${pad}","t"`))));
  const chunked = await open(root);
  const report = await chunked.index();
  assert.equal(report.points, 120_000);
  for (const id of ['big', 'padded']) {
    assert.deepEqual(chunked.listRuns().find((r) => r.id === id)?.metrics, whole.listRuns().find((r) => r.id === 'big')?.metrics);
  }
  assert.deepEqual(await pointsOf(chunked, 'padded', 'b'), await pointsOf(whole, 'big', 'b'));
  await whole.close();
  await chunked.close();
});

test('parse workers give the same index as the indexer thread, checkpoints included', async (t) => {
  const root = fixture(t);
  for (let i = 0; i < 12; i++) {
    const lines: (LogRecord | string)[] = simpleRun(`w${i}`, 200 + i * 50, { status: i % 3 === 0 ? 'failed' : 'finished', lr: i });
    lines.splice(5, 0, 'not json', '{"t":"metrics","ts":1,"values":{"loss":NaN,"acc":"x"}}');
    writeLog(root, `w${String(i).padStart(2, '0')}`, lines);
  }
  // Over one read chunk (4 MB), so the worker pauses between parts and waits for each commit.
  const pad = 'p'.repeat(400);
  writeLog(root, 'wbig', simpleRun('wbig', 12_000).map((l, i) => (i < 2 ? l : encodeLine(l).replace('{"t"', `{"pad":"${pad}","t"`))));
  const inThread = await open(root);
  const a = await inThread.index();
  const savedBytes = limits.workerBytes;
  const savedFlush = limits.flushPoints;
  limits.workerBytes = 0;
  limits.flushPoints = 100;
  t.after(() => {
    limits.workerBytes = savedBytes;
    limits.flushPoints = savedFlush;
  });
  const workers = await open(root);
  const before = { ...poolStats };
  const b = await workers.index();
  assert.ok(poolStats.workersStarted > before.workersStarted, 'workers started');
  assert.ok(poolStats.partsReceived - before.partsReceived > 13, `the big run came back in several parts (${poolStats.partsReceived - before.partsReceived} parts, ${poolStats.workersStarted - before.workersStarted} workers)`);
  // The pass ended its workers by letting them finish, not by terminate() (which has crashed Node mid-compile).
  assert.equal(poolStats.workersEnded - before.workersEnded, poolStats.workersStarted - before.workersStarted, 'every worker ended');
  assert.equal(poolStats.workersTerminated - before.workersTerminated, 0, 'none had to be terminated');
  assert.equal(b.points, a.points);
  assert.deepEqual([...b.changedRuns].sort(), [...a.changedRuns].sort());
  const byFile = (r: typeof a) => JSON.stringify([...r.diagnostics].sort((x, y) => x.file.localeCompare(y.file)));
  assert.equal(byFile(b), byFile(a));
  const snapshot = (s: RunStore) => JSON.stringify(s.listRuns({ sort: { key: { kind: 'name' } } }).map((r) => [r.id, r.metrics, r.params, r.status]));
  assert.equal(snapshot(workers), snapshot(inThread));
  assert.deepEqual(await pointsOf(workers, 'w11', 'loss'), await pointsOf(inThread, 'w11', 'loss'));
  await inThread.close();
  await workers.close();
});

test('indexRuns reads only the named runs, finds new ones and drops vanished ones', async (t) => {
  const root = fixture(t);
  writeLog(root, 'r1', simpleRun('r1', 2));
  writeLog(root, 'r2', simpleRun('r2', 2));
  const store = (await open(root)) as RunStore & Required<Pick<RunStore, 'indexRuns'>>;
  await store.index();
  appendLog(root, 'r1', logText([metrics(2, { loss: 3 }, T0 + 9)]));
  appendLog(root, 'r2', logText([metrics(2, { loss: 4 }, T0 + 9)]));
  let report = await store.indexRuns(['r1']);
  assert.deepEqual(report.changedRuns, ['r1']);
  assert.equal(report.points, 1);
  assert.equal(store.listRuns().find((r) => r.id === 'r2')?.metrics.loss.count, 2, 'r2 is not read yet');
  writeLog(root, 'r3', simpleRun('r3', 1));
  rmSync(runDir(root, 'r1'), { recursive: true });
  report = await store.indexRuns(['r3', 'r1', '../r2', 'nope']);
  assert.deepEqual(report.changedRuns, ['r3']);
  assert.deepEqual(report.removedRuns, ['r1']);
  assert.deepEqual(store.listRuns().map((r) => r.id).sort(), ['r2', 'r3']);
  await store.close();
});

test('an index damaged in the middle fails its checksum and is rebuilt', async (t) => {
  const root = fixture(t);
  const dbPath = join(root, 'index.sqlite');
  for (let i = 0; i < 5; i++) writeLog(root, `r${i}`, simpleRun(`r${i}`, 300));
  let store = await open(root, { dbPath });
  await store.index();
  const expected = JSON.stringify(store.listRuns().map((r) => [r.id, r.metrics]));
  const expectedPoints = await pointsOf(store, 'r3', 'loss');
  await store.persist();
  await store.close();
  const { readFileSync } = await import('node:fs');
  const bytes = readFileSync(dbPath);
  bytes.fill(0xa5, bytes.length >> 1, (bytes.length >> 1) + 512);
  writeFileSync(dbPath, bytes);
  store = await open(root, { dbPath });
  const report = await store.index();
  assert.match(report.diagnostics[0]?.reason ?? '', /rebuilt.*checksum/);
  assert.equal(JSON.stringify(store.listRuns().map((r) => [r.id, r.metrics])), expected);
  assert.deepEqual(await pointsOf(store, 'r3', 'loss'), expectedPoints);
  await store.close();
});

test('series: the full view from overviews is a faithful min/max downsampling of the general path, on random data', async (t) => {
  const root = fixture(t);
  const rand = prng(11);
  const specials = [NaN, Infinity, -Infinity];
  for (const id of ['r1', 'r2', 'r3']) {
    const lines: LogRecord[] = [start({ id })];
    let step = 0;
    const n = 3000 + Math.floor(rand() * 9000);
    for (let i = 0; i < n; i++) {
      // Gaps in the steps (so some chunks store them explicitly), irregular times, and runs of specials.
      step += rand() < 0.1 ? 1 + Math.floor(rand() * 5) : 1;
      const v = rand() < 0.03 ? specials[Math.floor(rand() * 3)] : Math.round(rand() * 1000) / 7;
      lines.push(metrics(step, { v }, T0 + i * 0.1 + rand() * 0.05));
    }
    writeLog(root, id, lines);
  }
  const store = await open(root);
  await store.index();
  let blockBased = 0;
  for (const points of [4, 10, 100, 1000, 100_000]) {
    for (const x of ['step', 'time'] as const) {
      const fast = await store.series({ runIds: ['r1', 'r2', 'r3'], keys: ['v'], points, x });
      // An unbounded range takes the general path (every column decoded, then filtered and downsampled).
      const general = await store.series({ runIds: ['r1', 'r2', 'r3'], keys: ['v'], points, x, range: [-Infinity, Infinity] });
      assert.equal(fast.length, 3);
      const all = await store.series({ runIds: ['r1', 'r2', 'r3'], keys: ['v'], points: 1e9, x, range: [-Infinity, Infinity] });
      for (let r = 0; r < 3; r++) {
        const where = `points ${points}, x ${x}, run ${r}`;
        if (!overviewApplies(all[r].total, points)) {
          assert.deepEqual(fast[r], general[r], where);
          continue;
        }
        blockBased++;
        assertFaithful(fast[r], all[r], points, where);
      }
      assert.deepEqual(await store.series({ runIds: ['r1', 'r2', 'r3'], keys: ['v'], points, x }), fast, 'served again (from the cache): the same');
    }
  }
  assert.ok(blockBased >= 6, `${blockBased} series took the overview path`);
  await store.close();
});

test('series: a repeated request sees appends, truncations and removals, and callers cannot corrupt it', async (t) => {
  const root = fixture(t);
  writeLog(root, 'r1', simpleRun('r1', 5000));
  writeLog(root, 'r2', simpleRun('r2', 10));
  const store = await open(root);
  await store.index();
  const req = { runIds: ['r1', 'r2'], keys: ['loss'], points: 100 };
  const [first] = await store.series(req);
  assert.equal(first.total, 5000);
  first.values.fill(0); // a caller scribbling on (or transferring) what it got
  const [again] = await store.series(req);
  assert.equal(again.values[0], 10);
  appendLog(root, 'r1', logText([metrics(5000, { loss: -1e9 }, T0 + 6000)]));
  await store.index();
  let [grown] = await store.series(req);
  assert.equal(grown.total, 5001);
  assert.equal(grown.steps.at(-1), 5000);
  assert.equal(grown.values.at(-1), -1e9);
  appendLog(root, 'r1', logText([metrics(5001, { loss: 7 }, T0 + 6001)]));
  await store.indexRuns?.(['r1']);
  [grown] = await store.series(req);
  assert.equal(grown.total, 5002);
  assert.equal(grown.values.at(-1), 7);
  writeLog(root, 'r1', simpleRun('r1', 20));
  await store.index();
  const [replaced] = await store.series(req);
  assert.equal(replaced.total, 20);
  rmSync(runDir(root, 'r2'), { recursive: true, force: true });
  await store.index();
  assert.deepEqual((await store.series(req)).map((s) => s.runId), ['r1']);
  await store.close();
});
