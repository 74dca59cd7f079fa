// The store over its point files: where points live, what survives a lost or damaged file, and that a live
// series (tail inline, sealed as it grows) reads back exactly like the same log indexed at once.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { poolStats } from './ingest/parsePool';
import { limits, openStore, pointsDir } from './runStore';
import { appendLog, tempRoot, writeLog } from '../../test/fixtures/logs';
import { encodeLine, logText, metrics, start, status, T0, type LogRecord, type Status } from '../../test/fixtures/records';
import { simpleRun } from '../../test/fixtures/runs';
import { assertFaithful } from '../../test/fixtures/series';
import type { RunStore } from './types';

function fixture(t: { after: (fn: () => void) => void }) {
  const r = tempRoot();
  t.after(r.cleanup);
  return { root: r.root, dbPath: join(r.root, 'index.sqlite') };
}

/** The point files of an index (the folder also holds a .gitignore). */
const ptsIn = (dbPath: string): string[] => (existsSync(pointsDir(dbPath)) ? readdirSync(pointsDir(dbPath)).filter((f) => f.endsWith('.pts')) : []);

const open = (root: string, dbPath?: string): Promise<RunStore> => openStore({ roots: [root], dbPath, now: () => (T0 + 60) * 1000 });

async function everything(store: RunStore) {
  const ids = store.listRuns().map((r) => r.id).sort();
  const keys = store.metricKeys(ids);
  const series = await store.series({ runIds: ids, keys, points: 1e9 });
  return {
    runs: store.listRuns({ sort: { key: { kind: 'name' } } }).map((r) => [r.id, r.metrics, r.status]),
    points: series.map((s) => [s.runId, s.key, [...s.steps], [...s.times], [...s.values]]),
  };
}

test('finished runs keep their points in point files, so the index itself stays small', async (t) => {
  const { root, dbPath } = fixture(t);
  for (let i = 0; i < 20; i++) writeLog(root, `r${i}`, simpleRun(`r${i}`, 2000, { status: 'finished' }));
  const store = await open(root, dbPath);
  const report = await store.index();
  assert.equal(report.points, 20 * 2 * 2000);
  await store.persist();
  const pointFiles = ptsIn(dbPath);
  assert.equal(pointFiles.length, 20, 'one point file per run');
  const pointBytes = pointFiles.reduce((a, f) => a + statSync(join(pointsDir(dbPath), f)).size, 0);
  // 80,000 points at 16 bytes (steps are an arithmetic run, so not stored), and their overviews at about 2.
  assert.ok(pointBytes >= 80_000 * 16 && pointBytes < 80_000 * 18.2, `${pointBytes} bytes of points`);
  assert.ok(statSync(dbPath).size < pointBytes / 4, `index file ${statSync(dbPath).size} bytes next to ${pointBytes} of points`);
  const reopened = await open(root, dbPath);
  await reopened.index();
  assert.deepEqual(await everything(reopened), await everything(store));
  await store.close();
  await reopened.close();
});

test('a live series read while it grows equals the same log indexed at once, across restarts', async (t) => {
  const { root, dbPath } = fixture(t);
  writeLog(root, 'live', [start({ id: 'live' })]);
  let store = await open(root, dbPath);
  let step = 0;
  // Irregular appends: single points (the inline tail), bursts that seal it, a restart with unpersisted work.
  for (const burst of [1, 1, 3, 300, 1, 5000, 2, 700, 1, 4096, 3]) {
    const lines: LogRecord[] = [];
    for (let i = 0; i < burst; i++, step++) lines.push(metrics(step, { loss: 1 / (step + 1), acc: step % 7 }, T0 + step * 0.0137));
    appendLog(root, 'live', logText(lines));
    await store.index();
    if (burst === 5000) await store.persist();
    if (burst === 700) {
      // Dies without persisting: the point file holds bytes the persisted index does not know of.
      await store.close();
      store = await open(root, dbPath);
      await store.index();
    }
  }
  appendLog(root, 'live', logText([status('finished', { ts: T0 + step })]));
  await store.index();
  const fresh = await open(root);
  await fresh.index();
  const got = await everything(store);
  assert.deepEqual(got, await everything(fresh));
  assert.equal((got.points[0][2] as number[]).length, step);
  await store.close();
  await fresh.close();
});

test('a point file deleted or damaged under the store: reported, then the run is reindexed from its log', async (t) => {
  const { root, dbPath } = fixture(t);
  for (const id of ['a', 'b']) writeLog(root, id, simpleRun(id, 3000, { status: 'finished' }));
  const store = await open(root, dbPath);
  await store.index();
  await store.persist();
  const expected = await everything(store);
  const dir = pointsDir(dbPath);
  const [first, second] = ptsIn(dbPath).sort();
  rmSync(join(dir, first));
  truncateSync(join(dir, second), 100);
  const ids = ['a', 'b'];
  // Served from the series cache? Ask for a size not asked before, so the files are read.
  const broken = await store.series({ runIds: ids, keys: ['loss', 'acc'], points: 17 });
  assert.equal(broken.length, 0, 'nothing made up from missing bytes');
  const problems = store.diagnostics().filter((d) => /cannot read (loss|acc) from the index/.test(d.reason));
  assert.ok(problems.length >= 2, JSON.stringify(store.diagnostics()));
  assert.match(problems[0].reason, /reindexed from its log/);
  const report = await store.index();
  assert.deepEqual(report.changedRuns.sort(), ids);
  assert.deepEqual(await everything(store), expected);
  await store.close();
});

test('a point file overwritten with other bytes is caught by its chunk headers', async (t) => {
  const { root, dbPath } = fixture(t);
  writeLog(root, 'a', simpleRun('a', 3000, { status: 'finished' }));
  const store = await open(root, dbPath);
  await store.index();
  const expected = await everything(store);
  const [name] = ptsIn(dbPath);
  writeFileSync(join(pointsDir(dbPath), name), Buffer.alloc(statSync(join(pointsDir(dbPath), name)).size));
  assert.deepEqual(await store.series({ runIds: ['a'], keys: ['loss'], points: 11 }), []);
  assert.ok(store.diagnostics().some((d) => /damaged/.test(d.reason)), JSON.stringify(store.diagnostics()));
  await store.index();
  assert.deepEqual(await everything(store), expected);
  await store.close();
});

test('files of replaced, removed or never persisted runs are deleted once no persisted index names them', async (t) => {
  const { root, dbPath } = fixture(t);
  for (const id of ['keep', 'replace', 'remove']) writeLog(root, id, simpleRun(id, 500, { status: 'finished' }));
  const store = await open(root, dbPath);
  await store.index();
  await store.persist();
  const before = ptsIn(dbPath);
  assert.equal(before.length, 3);
  writeLog(root, 'replace', simpleRun('replace', 400, { status: 'finished' }));
  rmSync(join(root, 'runs', 'remove'), { recursive: true });
  await store.index();
  // Until the persist lands, the index on disk still names the old files: they must stay.
  assert.ok(before.every((f) => ptsIn(dbPath).includes(f)));
  await store.persist();
  const after = ptsIn(dbPath);
  assert.equal(after.length, 2);
  assert.equal(after.filter((f) => before.includes(f)).length, 1, 'only the kept run keeps its file');
  // A pass that wrote a new run's points but died before persisting leaves an orphan: the next open drops it.
  writeLog(root, 'late', simpleRun('late', 500, { status: 'finished' }));
  await store.index();
  await store.close();
  assert.equal(ptsIn(dbPath).length, 3);
  const reopened = await open(root, dbPath);
  assert.deepEqual(ptsIn(dbPath).sort(), after.sort());
  await reopened.index();
  assert.equal((await reopened.series({ runIds: ['late'], keys: ['loss'], points: 1e9 }))[0].total, 500);
  await reopened.close();
});

test('runs sealed on parse workers (several parts, live tails, steps going back) equal runs indexed in-thread', async (t) => {
  const { root, dbPath } = fixture(t);
  const saved = { ...limits };
  limits.workerBytes = 0;
  limits.flushPoints = 700;
  t.after(() => Object.assign(limits, saved));
  const lines = (id: string, n: number, opts: { status?: Status; back?: boolean; pad?: number }) => {
    const out = [encodeLine(start({ id }))];
    for (let s = 0; s < n; s++) {
      // Steps that go back now and then make the series non-monotone (summaries recomputed, later value wins).
      const step = opts.back === true && s % 97 === 50 ? s - 30 : s;
      // By hand: the `pad` field is one no writer has (readers must skip fields they do not know).
      out.push(JSON.stringify({ t: 'metrics', ts: T0 + s * 0.25, step, values: { loss: s % 13 === 0 ? { $float: 'NaN' } : 1 / (s + 1), [`k${s % 3}`]: s }, pad: 'x'.repeat(opts.pad ?? 0) }));
    }
    if (opts.status !== undefined) out.push(encodeLine(status(opts.status, { ts: T0 + n, exitCode: null })));
    return out;
  };
  // Padded lines, so the log spans several read batches and comes back in several parts.
  writeLog(root, 'done', lines('done', 5000, { status: 'finished', pad: 2500 }));
  writeLog(root, 'live', lines('live', 2100, {}));
  writeLog(root, 'back', lines('back', 3000, { status: 'failed', back: true }));
  writeLog(root, 'short', lines('short', 40, {}));
  const workers = await open(root, dbPath);
  const before = poolStats.partsReceived;
  await workers.index();
  assert.ok(poolStats.partsReceived - before >= 6, `came back from workers in parts (${poolStats.partsReceived - before})`);
  const inThread = await open(root);
  await inThread.index();
  assert.deepEqual(await everything(workers), await everything(inThread));
  // The live run goes on: this thread now appends to the file a worker started, merging its inline tail.
  appendLog(root, 'live', lines('live', 2300, { status: 'finished' }).slice(2101).join('\n') + '\n');
  limits.workerBytes = saved.workerBytes;
  await workers.index();
  await workers.persist();
  const fresh = await open(root);
  await fresh.index();
  const reopened = await open(root, dbPath);
  await reopened.index();
  assert.deepEqual(await everything(workers), await everything(fresh));
  assert.deepEqual(await everything(reopened), await everything(fresh));
  for (const s of [workers, inThread, fresh, reopened]) await s.close();
});

test('a long log with too few points to seal gets no point file on a worker, though its file is made early', async (t) => {
  const { root, dbPath } = fixture(t);
  const saved = { ...limits };
  limits.workerBytes = 0;
  t.after(() => Object.assign(limits, saved));
  // 200 KB of log, but only 100 points per series: more than enough bytes for the worker to create the file as
  // the job arrives, and too few points for a chunk to be sealed into it.
  const lines = [encodeLine(start({ id: 'wordy' }))];
  for (let s = 0; s < 100; s++) lines.push(JSON.stringify({ t: 'metrics', ts: T0 + s, step: s, values: { loss: 1 / (s + 1) }, pad: 'x'.repeat(2000) }));
  writeLog(root, 'wordy', lines);
  writeLog(root, 'sealed', [encodeLine(start({ id: 'sealed' })), ...Array.from({ length: 600 }, (_, s) => encodeLine(metrics(s, { loss: s }, T0 + s)))]);
  const store = await open(root, dbPath);
  const before = poolStats.partsReceived;
  await store.index();
  assert.ok(poolStats.partsReceived > before, 'parsed on workers');
  assert.equal(ptsIn(dbPath).length, 1, `only the run that sealed a chunk has a file (${ptsIn(dbPath).join(', ')})`);
  const [wordy] = await store.series({ runIds: ['wordy'], keys: ['loss'], points: 1e9 });
  assert.deepEqual([...wordy.steps], Array.from({ length: 100 }, (_, s) => s));
  assert.equal((await store.series({ runIds: ['sealed'], keys: ['loss'], points: 1e9 }))[0].total, 600);
  await store.close();
});

test('a full view of a live series is faithful whether its overviews are found by spans or by chunk rows', async (t) => {
  const { root, dbPath } = fixture(t);
  writeLog(root, 'few', [start({ id: 'few' })]);
  writeLog(root, 'many', [start({ id: 'many' })]);
  const store = await open(root, dbPath);
  let step = 0;
  // 'many' seals 70 times (more spans than kept: its overviews come from chunk rows); 'few' seals 3 times and
  // keeps an inline tail (spans plus the tail's row).
  for (let i = 0; i < 70; i++) {
    const lines = (n: number) => logText(Array.from({ length: n }, (_, k) => metrics(step + k, { v: Math.sin((step + k) / 40) * (((step + k) % 1009) === 0 ? 50 : 1) }, T0 + (step + k) / 8)));
    appendLog(root, 'many', lines(300));
    if (i < 3) appendLog(root, 'few', lines(i === 2 ? 20_000 : 300));
    step += 300;
    await store.index();
  }
  appendLog(root, 'few', logText([metrics(1e6, { v: 0.5 }, T0 + 1e5)]));
  await store.index();
  for (const id of ['few', 'many']) {
    const [all] = await store.series({ runIds: [id], keys: ['v'], points: 1e9, range: [-Infinity, Infinity] });
    const [view] = await store.series({ runIds: [id], keys: ['v'], points: 200 });
    assert.ok(view.values.length < all.total, `${id} was downsampled`);
    assertFaithful(view, all, 200, id);
  }
  await store.close();
});

test('runs too short to seal a chunk keep their points in the index and make no point file', async (t) => {
  const { root, dbPath } = fixture(t);
  for (const id of ['a', 'b', 'c']) writeLog(root, id, simpleRun(id, 40, { status: 'finished' }));
  const store = await open(root, dbPath);
  await store.index();
  await store.persist();
  assert.deepEqual(ptsIn(dbPath), []);
  const reopened = await open(root, dbPath);
  await reopened.index();
  const got = await everything(reopened);
  assert.deepEqual(got, await everything(store));
  assert.equal((got.points[0][2] as number[]).length, 40);
  await store.close();
  await reopened.close();
});

test('random bytes written into point files are caught by the chunk checksums, remembered on disk, and repaired from the logs', async (t) => {
  const { root, dbPath } = fixture(t);
  for (const id of ['a', 'b']) writeLog(root, id, simpleRun(id, 3000, { status: 'finished' }));
  const first = await open(root, dbPath);
  await first.index();
  await first.persist();
  const expected = await everything(first);
  await first.close();
  // Bytes changed inside the values, past every header: only a checksum can tell.
  for (const name of ptsIn(dbPath)) {
    const path = join(pointsDir(dbPath), name);
    const bytes = readFileSync(path);
    for (let i = 0; i < 100; i++) bytes[64 + ((i * 7919) % (bytes.length - 64))] ^= 0x5a;
    writeFileSync(path, bytes);
  }
  const reader = await open(root, dbPath);
  const read = await reader.series({ runIds: ['a', 'b'], keys: ['loss', 'acc'], points: 1e9 });
  assert.equal(read.length, 0, 'no series made of changed bytes');
  assert.ok(reader.diagnostics().some((d) => /checksum/.test(d.reason)), JSON.stringify(reader.diagnostics()));
  // This process stops without indexing again: the next one must still know what to repair.
  await reader.close();
  const next = await open(root, dbPath);
  const report = await next.index();
  assert.deepEqual(report.changedRuns.sort(), ['a', 'b']);
  assert.deepEqual(await everything(next), expected);
  await next.close();
});

test('point files deleted while no store runs: the next pass names them and rebuilds those runs', async (t) => {
  const { root, dbPath } = fixture(t);
  for (const id of ['a', 'b', 'c']) writeLog(root, id, simpleRun(id, 3000, { status: 'finished' }));
  const first = await open(root, dbPath);
  await first.index();
  await first.persist();
  const expected = await everything(first);
  await first.close();
  for (const name of ptsIn(dbPath)) rmSync(join(pointsDir(dbPath), name));
  const next = await open(root, dbPath);
  const report = await next.index();
  assert.deepEqual(report.changedRuns.sort(), ['a', 'b', 'c']);
  assert.equal(report.diagnostics.filter((d) => /point file .* is missing/.test(d.reason)).length, 3);
  assert.deepEqual(await everything(next), expected);
  await next.close();
});

test('two stores on one index never delete each other\'s point files', async (t) => {
  const { root, dbPath } = fixture(t);
  writeLog(root, 'a', simpleRun('a', 3000, { status: 'finished' }));
  const one = await open(root, dbPath);
  await one.index();
  const expected = await everything(one);
  // A second window opens the same index before the first persisted: the first one's files are named nowhere yet.
  writeLog(root, 'b', simpleRun('b', 3000, { status: 'finished' }));
  const two = await open(root, dbPath);
  await two.index();
  await two.persist();
  await one.persist();
  await two.persist();
  const fromOne = await one.series({ runIds: ['a'], keys: one.metricKeys(['a']), points: 1e9 });
  assert.deepEqual(fromOne.map((s) => [s.key, [...s.values]]), expected.points.map((p) => [p[1], p[4]]));
  assert.equal((await two.series({ runIds: ['a', 'b'], keys: ['loss'], points: 1e9 })).length, 2);
  assert.deepEqual(one.diagnostics(), []);
  assert.deepEqual(two.diagnostics(), []);
  await one.close();
  await two.close();
});

test('the point files of an indexer that died are pruned by the next one; a live one\'s are not', async (t) => {
  const { root, dbPath } = fixture(t);
  writeLog(root, 'a', simpleRun('a', 3000, { status: 'finished' }));
  const store = await open(root, dbPath);
  await store.index();
  await store.persist();
  const named = ptsIn(dbPath);
  // Another process's claim and file, never persisted: alive, then dead.
  const dir = pointsDir(dbPath);
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
  t.after(() => child.kill('SIGKILL'));
  writeFileSync(join(dir, 'abcdef01.owner'), JSON.stringify({ pid: child.pid, host: hostname() }));
  writeFileSync(join(dir, 'abcdef0100000000.pts'), Buffer.alloc(64));
  await store.persist();
  await openStore({ roots: [root], dbPath }).then((s) => s.close());
  assert.deepEqual(ptsIn(dbPath).sort(), [...named, 'abcdef0100000000.pts'].sort());
  child.kill('SIGKILL');
  await once(child, 'exit');
  await openStore({ roots: [root], dbPath }).then((s) => s.close());
  assert.deepEqual(ptsIn(dbPath), named);
  assert.ok(!existsSync(join(dir, 'abcdef01.owner')), 'the dead claim goes with its files');
  await store.close();
});
