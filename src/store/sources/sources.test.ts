// The run-source seam: a second kind of run, written here as an importer would write one, is found, indexed,
// listed and read through the same store as Trackside's own logs, with what its capabilities say it can't do.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import { openStore, type OpenOptions } from '../runStore';
import { USER_FILE } from '../ingest/userEdits';
import type { RunStore } from '../types';
import type { FoundRun, RunSource } from './runSource';
import { tracksideSource } from './trackside/source';
import { runDir, tempRoot, writeLog } from '../../../test/fixtures/logs';
import { T0 } from '../../../test/fixtures/records';
import { simpleRun } from '../../../test/fixtures/runs';

const FOLDER = 'tiny';

interface TinyRun {
  name: string;
  status?: 'finished' | 'failed';
  lr: number;
  loss: number[];
}

/** `<root>/tiny/<id>/run.json`: a whole run in one file, rewritten whole when it changes, never appended to. */
function writeTiny(root: string, id: string, run: TinyRun): string {
  const dir = join(root, FOLDER, id);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'run.json'), JSON.stringify(run));
  return dir;
}

function found(root: string, id: string): FoundRun {
  const dir = join(root, FOLDER, id);
  return { id, root, dir, log: join(dir, 'run.json'), source: tinySource };
}

const tinySource: RunSource = {
  kind: 'tiny',
  capabilities: { readOnly: true, live: false },
  async discover(roots) {
    const out: FoundRun[] = [];
    for (const root of roots) {
      const ids = await readdir(join(root, FOLDER)).catch(() => []);
      for (const id of ids) out.push(found(root, id));
    }
    return out;
  },
  find(id, roots) {
    const root = roots.find((r) => existsSync(join(r, FOLDER, id, 'run.json')));
    return root === undefined ? undefined : found(root, id);
  },
  async open(run, pass) {
    return {
      // Rewritten whole, never appended to: once read, a change means reading it again from the start.
      resumes: async (cursor) => cursor.offset === 0,
      stamp: async (cursor) => {
        cursor.path = run.log;
      },
      read: async (from, commit) => {
        const data = JSON.parse(await readFile(run.log, 'utf8')) as TinyRun;
        const { state, file } = from;
        state.name = data.name;
        if (data.status !== undefined) state.status = data.status;
        state.params = { lr: data.lr };
        const n = data.loss.length;
        const steps = Float64Array.from({ length: n }, (_, i) => i);
        const times = Float64Array.from({ length: n }, (_, i) => (T0 + i) * 1000);
        file.offset = pass.stat.size;
        await commit({ state, file, columns: [{ key: 'loss', steps, times, values: Float64Array.from(data.loss), length: n }], count: 0, details: [], done: true, complete: true });
      },
      close: async () => undefined,
    };
  },
};

const LATER = (T0 + 3600) * 1000;

async function open(root: string, extra: Partial<OpenOptions> = {}): Promise<RunStore> {
  return openStore({ roots: [root], now: () => LATER, sources: [tracksideSource, tinySource], ...extra });
}

function fixture(t: { after: (fn: () => void) => void }) {
  const r = tempRoot();
  t.after(r.cleanup);
  return r.root;
}

async function lossOf(store: RunStore, id: string): Promise<number[]> {
  const [s] = await store.series({ runIds: [id], keys: ['loss'], points: 1_000_000 });
  return s === undefined ? [] : [...s.values];
}

test("a second source's runs are indexed, listed, queried and read through the same store", async (t) => {
  const root = fixture(t);
  writeLog(root, 'r1', simpleRun('r1', 3, { status: 'finished', lr: 0.1 }));
  writeTiny(root, 't1', { name: 'imported', status: 'finished', lr: 0.5, loss: [3, 2, 1.5, 1] });
  const store = await open(root);
  const report = await store.index();
  assert.deepEqual(report.changedRuns.sort(), ['r1', 't1']);
  assert.deepEqual(store.listRuns().map((r) => r.name).sort(), ['imported', 'name-r1']);
  const t1 = store.getRun('t1');
  assert.equal(t1?.status, 'finished');
  assert.deepEqual(t1?.params, { lr: 0.5 });
  assert.equal(t1?.metrics.loss.last, 1);
  assert.equal(t1?.dir, join(root, FOLDER, 't1'));
  assert.deepEqual(await lossOf(store, 't1'), [3, 2, 1.5, 1]);
  assert.deepEqual(store.paramsDiff(['r1', 't1']).find((row) => row.key === 'lr')?.values, [0.1, 0.5]);
  assert.deepEqual(store.metricKeys(['t1']), ['loss']);
  await store.close();
});

test("a read-only source's runs say so and take no user edits, while Trackside's own runs do", async (t) => {
  const root = fixture(t);
  writeLog(root, 'r1', simpleRun('r1', 1, { status: 'finished' }));
  writeFileSync(join(runDir(root, 'r1'), USER_FILE), JSON.stringify({ name: 'renamed', starred: true }));
  const dir = writeTiny(root, 't1', { name: 'imported', status: 'finished', lr: 1, loss: [1] });
  writeFileSync(join(dir, USER_FILE), JSON.stringify({ name: 'renamed too', starred: true }));
  writeTiny(root, 't2', { name: 'broken edits', status: 'finished', lr: 1, loss: [1] });
  writeFileSync(join(root, FOLDER, 't2', USER_FILE), '{not json');
  const store = await open(root);
  await store.index();
  const r1 = store.getRun('r1');
  assert.equal(r1?.name, 'renamed');
  assert.equal(r1?.readOnly, undefined);
  const t1 = store.getRun('t1');
  assert.equal(t1?.name, 'imported');
  assert.equal(t1?.starred, undefined);
  assert.equal(t1?.readOnly, true);
  assert.equal(store.getRun('t2')?.readOnly, true);
  assert.deepEqual(store.diagnostics(), []);
  await store.close();
});

test('a run of a source that is not live never turns crashed by going quiet; a live one does', async (t) => {
  const root = fixture(t);
  writeLog(root, 'r1', simpleRun('r1', 2));
  writeTiny(root, 't1', { name: 'no status', lr: 1, loss: [1, 2] });
  const store = await open(root);
  await store.index();
  assert.equal(store.getRun('r1')?.status, 'crashed');
  assert.equal(store.getRun('t1')?.status, 'running');
  await store.close();
});

test('a rewritten run is read again from the start, a new one is found by id, a removed one is dropped', async (t) => {
  const root = fixture(t);
  const dir = writeTiny(root, 't1', { name: 'first', status: 'finished', lr: 1, loss: [5, 4] });
  const store = await open(root);
  await store.index();
  writeTiny(root, 't1', { name: 'second', status: 'finished', lr: 2, loss: [5, 4, 3] });
  utimesSync(join(dir, 'run.json'), new Date(), new Date(Date.now() + 5000));
  let report = await store.index();
  assert.deepEqual(report.changedRuns, ['t1']);
  assert.equal(store.getRun('t1')?.name, 'second');
  assert.deepEqual(await lossOf(store, 't1'), [5, 4, 3]);
  report = await store.index();
  assert.deepEqual(report.changedRuns, []);
  writeTiny(root, 't2', { name: 'watched', status: 'finished', lr: 1, loss: [7] });
  report = await store.indexRuns!(['t2']);
  assert.deepEqual(report.changedRuns, ['t2']);
  assert.deepEqual(await lossOf(store, 't2'), [7]);
  rmSync(dir, { recursive: true });
  report = await store.index();
  assert.deepEqual(report.removedRuns, ['t1']);
  assert.deepEqual(store.listRuns().map((r) => r.id), ['t2']);
  await store.close();
});

test('an id that two sources both have stays with the first source, and the other copy is reported', async (t) => {
  const root = fixture(t);
  writeLog(root, 'same', simpleRun('same', 1, { status: 'finished' }));
  const dir = writeTiny(root, 'same', { name: 'imported', status: 'finished', lr: 1, loss: [1] });
  const store = await open(root);
  const report = await store.index();
  assert.deepEqual(store.listRuns().map((r) => r.name), ['name-same']);
  assert.ok(report.diagnostics.some((d) => d.file === dir && /also in/.test(d.reason)), JSON.stringify(report.diagnostics));
  await store.close();
});

test('a persisted run keeps its source across a restart, and goes when its source is no longer read', async (t) => {
  const root = fixture(t);
  const dbPath = join(root, 'index.db');
  writeLog(root, 'r1', simpleRun('r1', 2, { status: 'finished' }));
  writeTiny(root, 't1', { name: 'imported', status: 'finished', lr: 1, loss: [2, 1] });
  let store = await open(root, { dbPath });
  await store.index();
  await store.persist();
  await store.close();
  store = await open(root, { dbPath });
  const report = await store.index();
  assert.deepEqual(report.changedRuns, []);
  assert.equal(store.getRun('t1')?.readOnly, true);
  assert.deepEqual((await store.indexRuns!(['t1'])).changedRuns, []);
  assert.deepEqual(await lossOf(store, 't1'), [2, 1]);
  await store.close();
  store = await open(root, { dbPath, sources: [tracksideSource] });
  const without = await store.index();
  assert.deepEqual(without.removedRuns, ['t1']);
  assert.deepEqual(store.listRuns().map((r) => r.id), ['r1']);
  await store.close();
});
