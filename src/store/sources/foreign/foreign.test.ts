// The seam foreign formats use: a run made of many files, found by the shared walk, each file tailed from its
// own cursor (an unchanged file is not opened again), edits in Trackside's side folder, and a `source` on every
// summary. The format here is made up for the test: `<run>/tiny.run` marks a run, `m/<key>` holds
// `step value` lines (keys with `/` are folders), `name` its name.
import assert from 'node:assert/strict';
import { appendFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openStore } from '../../runStore';
import type { RunStore } from '../../types';
import { tracksideSource } from '../trackside/source';
import { editsDirOf, FOREIGN_EDITS } from '../sources';
import { foreignSource } from './source';
import { foreignId } from './ids';
import { walkLimits } from './walk';
import { tempRoot, writeLog } from '../../../../test/fixtures/logs';
import { simpleRun } from '../../../../test/fixtures/runs';

/** Files the format read, in order: what a pass opened. */
const opened: string[] = [];

const tiny = foreignSource({
  kind: 'tiny',
  live: false,
  claim: (f) => (f.files.has('tiny.run') ? { runs: [{ id: foreignId('tiny', f.dir, f.rel.split('/').pop() ?? ''), dir: f.dir, log: join(f.dir, 'tiny.run') }], stop: true } : undefined),
  wanted: (rel) => rel === 'tiny.run' || rel === 'name' || rel === 'm' || rel.startsWith('m/'),
  async read(r) {
    const name = r.changed('name') ? await r.whole('name') : undefined;
    if (name !== undefined) r.builder.state.name = name.trim();
    for (const rel of r.files.keys()) {
      if (!rel.startsWith('m/') || !r.changed(rel)) continue;
      opened.push(rel);
      await r.tail(rel, (text, lineNo) => {
        const [step, value] = text.split(' ').map(Number);
        if (Number.isNaN(step) || Number.isNaN(value)) r.builder.problem(rel, lineNo, `not "step value": ${JSON.stringify(text.slice(0, 40))}`);
        else r.builder.point(rel.slice(2), step, step * 1000, value);
      });
    }
  },
});

function writeTiny(dir: string, name: string, metrics: Record<string, string>): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'tiny.run'), '');
  writeFileSync(join(dir, 'name'), name);
  for (const [key, text] of Object.entries(metrics)) {
    mkdirSync(join(dir, 'm', key, '..'), { recursive: true });
    writeFileSync(join(dir, 'm', key), text);
  }
}

async function values(store: RunStore, id: string, key: string): Promise<number[]> {
  const [s] = await store.series({ runIds: [id], keys: [key], points: 1e6 });
  return s === undefined ? [] : [...s.values];
}

test('foreign runs are found anywhere under the scan folders, but not in skipped trees or through links', async (t) => {
  const { root, cleanup } = tempRoot();
  t.after(cleanup);
  writeTiny(join(root, 'a', 'b', 'exp1'), 'one', { loss: '0 1\n' });
  writeTiny(join(root, 'node_modules', 'pkg'), 'dependency', { loss: '0 1\n' });
  writeTiny(join(root, '.hidden', 'x'), 'hidden', { loss: '0 1\n' });
  const outside = tempRoot();
  t.after(outside.cleanup);
  writeTiny(join(outside.root, 'elsewhere'), 'outside', { loss: '0 1\n' });
  symlinkSync(outside.root, join(root, 'link'));
  writeLog(root, 'r1', simpleRun('r1', 2, { status: 'finished' }));
  const store = await openStore({ roots: [root], sources: [tracksideSource, tiny] });
  await store.index();
  const runs = store.listRuns();
  assert.deepEqual(runs.map((r) => [r.name, r.source]).sort(), [['name-r1', 'trackside'], ['one', 'tiny']]);
  await store.close();
});

test('a grown file is tailed from its own offset; unchanged files are not opened again', async (t) => {
  const { root, cleanup } = tempRoot();
  t.after(cleanup);
  const dir = join(root, 'exp');
  writeTiny(dir, 'tailed', { loss: '0 5\n1 4\n', 'val/acc': '0 0.1\n' });
  opened.length = 0;
  const store = await openStore({ roots: [root], sources: [tiny] });
  await store.index();
  const [run] = store.listRuns();
  assert.deepEqual(store.metricKeys(), ['loss', 'val/acc']);
  assert.deepEqual(opened.splice(0).sort(), ['m/loss', 'm/val/acc']);
  appendFileSync(join(dir, 'm', 'loss'), '2 3\n3 2');
  let report = await store.index();
  assert.deepEqual(report.changedRuns, [run.id]);
  assert.equal(report.points, 1);
  assert.deepEqual(await values(store, run.id, 'loss'), [5, 4, 3]);
  assert.deepEqual(opened.splice(0), ['m/loss']);
  appendFileSync(join(dir, 'm', 'loss'), '\n');
  report = await store.index();
  assert.deepEqual(await values(store, run.id, 'loss'), [5, 4, 3, 2]);
  assert.deepEqual(store.diagnostics(), []);
  // Rewritten shorter: read again from the start, no point twice.
  writeFileSync(join(dir, 'm', 'loss'), '0 9\n');
  report = await store.index();
  assert.deepEqual(await values(store, run.id, 'loss'), [9]);
  assert.deepEqual(await values(store, run.id, 'val/acc'), [0.1]);
  await store.close();
});

test('a bad line is a diagnostic naming the file and line; the rest is kept', async (t) => {
  const { root, cleanup } = tempRoot();
  t.after(cleanup);
  writeTiny(join(root, 'exp'), 'bad', { loss: '0 5\nfive 4\n2 3\n' });
  const store = await openStore({ roots: [root], sources: [tiny] });
  const report = await store.index();
  const [run] = store.listRuns();
  assert.deepEqual(await values(store, run.id, 'loss'), [5, 3]);
  const d = report.diagnostics.find((x) => x.file === join(root, 'exp', 'tiny.run'));
  assert.equal(d?.line, 2);
  assert.match(d?.reason ?? '', /^m\/loss: not "step value"/);
  await store.close();
});

test("edits of a read-only run go to Trackside's side folder, never beside the run", async (t) => {
  const { root, cleanup } = tempRoot();
  t.after(cleanup);
  const dir = join(root, 'exp');
  writeTiny(dir, 'imported', { loss: '0 1\n' });
  writeFileSync(join(dir, 'user.json'), JSON.stringify({ name: 'beside: ignored' }));
  const store = await openStore({ roots: [root], sources: [tiny] });
  await store.index();
  const [run] = store.listRuns();
  assert.equal(run.name, 'imported');
  assert.equal(run.readOnly, true);
  const side = join(root, FOREIGN_EDITS, 'tiny', run.id);
  assert.equal(run.editsDir, side);
  assert.equal(editsDirOf({ id: run.id, dir, source: tiny }, [root]), side);
  mkdirSync(side, { recursive: true });
  writeFileSync(join(side, 'user.json'), JSON.stringify({ name: 'renamed', tags: ['kept'], starred: true, archived: true }));
  await store.index();
  const after = store.getRun(run.id);
  assert.equal(after?.name, 'renamed');
  assert.deepEqual(after?.tags, ['kept']);
  assert.equal(after?.archived, true);
  // The side folder is not itself searched for runs.
  assert.equal(store.listRuns().length, 1);
  await store.close();
});

test('kinds switched off are not read; scan folders other than the roots are searched', async (t) => {
  const { root, cleanup } = tempRoot();
  t.after(cleanup);
  const other = tempRoot();
  t.after(other.cleanup);
  writeTiny(join(other.root, 'exp'), 'elsewhere', { loss: '0 1\n' });
  let store = await openStore({ roots: [root], scanFolders: [other.root], sources: [tracksideSource, tiny] });
  await store.index();
  assert.deepEqual(store.listRuns().map((r) => r.name), ['elsewhere']);
  await store.close();
  store = await openStore({ roots: [root], scanFolders: [other.root], sources: [tracksideSource, tiny], sourcesOff: ['tiny'] });
  await store.index();
  assert.deepEqual(store.listRuns(), []);
  await store.close();
});

test('the walk is bounded: too deep is not searched, too wide stops with a diagnostic naming the folder', async (t) => {
  const { root, cleanup } = tempRoot();
  t.after(cleanup);
  writeTiny(join(root, 'a', 'b', 'c', 'd'), 'deep', { loss: '0 1\n' });
  writeTiny(join(root, 'shallow'), 'shallow', { loss: '0 1\n' });
  const saved = { ...walkLimits };
  t.after(() => Object.assign(walkLimits, saved));
  walkLimits.depth = 2;
  let store = await openStore({ roots: [root], sources: [tiny] });
  await store.index();
  assert.deepEqual(store.listRuns().map((r) => r.name), ['shallow']);
  await store.close();
  walkLimits.depth = 10;
  walkLimits.folders = 3;
  store = await openStore({ roots: [root], sources: [tiny] });
  const report = await store.index();
  assert.ok(report.diagnostics.some((d) => d.file === root && /more than 3 folders/.test(d.reason)), JSON.stringify(report.diagnostics));
  await store.close();
});

/** A made-up binary format for tailRaw: `<run>/rec.bin` of records `u32le length, f64le value`. */
const rec = foreignSource({
  kind: 'rec',
  live: true,
  claim: (f) => (f.files.has('rec.bin') ? { runs: [{ id: foreignId('rec', f.dir), dir: f.dir, log: join(f.dir, 'rec.bin') }], stop: true } : undefined),
  wanted: (rel) => rel === 'rec.bin',
  async read(r) {
    let step = r.cursor('rec.bin').lines;
    await r.tailRaw('rec.bin', (bytes) => {
      let used = 0;
      while (used + 4 <= bytes.length) {
        const n = bytes.readUInt32LE(used);
        if (used + 4 + n > bytes.length) break;
        r.builder.point('v', step++, step * 1000, bytes.readDoubleLE(used + 4));
        used += 4 + n;
      }
      return used;
    });
    r.cursor('rec.bin').lines = step;
  },
});

function record(v: number): Buffer {
  const b = Buffer.alloc(12);
  b.writeUInt32LE(8, 0);
  b.writeDoubleLE(v, 4);
  return b;
}

test('a binary record file is tailed record by record; a cut record waits for its end', async (t) => {
  const { root, cleanup } = tempRoot();
  t.after(cleanup);
  const dir = join(root, 'exp');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'rec.bin');
  const third = record(3);
  writeFileSync(file, Buffer.concat([record(1), record(2), third.subarray(0, 7)]));
  const store = await openStore({ roots: [root], sources: [rec] });
  await store.index();
  const [run] = store.listRuns();
  assert.deepEqual(await values(store, run.id, 'v'), [1, 2]);
  appendFileSync(file, Buffer.concat([third.subarray(7), record(4)]));
  await store.index();
  const [s] = await store.series({ runIds: [run.id], keys: ['v'], points: 1e6 });
  assert.deepEqual([...s.steps], [0, 1, 2, 3]);
  assert.deepEqual([...s.values], [1, 2, 3, 4]);
  await store.close();
});
