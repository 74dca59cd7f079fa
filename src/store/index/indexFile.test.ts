// The persisted index file: image + run snapshot + trailer (sealedFile.ts). A warm start reads the runs from the
// snapshot and opens the image only when something needs it; files of the first format still open; any damage
// to either part is a clear message and a rebuild from the logs, never a crash or a lost run.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import initSqlJs from 'sql.js';
import { openStore } from '../runStore';
import { trailerFor, unseal, writeSealed } from './sealedFile';
import { appendLog, tempRoot, writeLog } from '../../../test/fixtures/logs';
import { encodeLine, metrics, T0 } from '../../../test/fixtures/records';
import { simpleRun } from '../../../test/fixtures/runs';
import type { RunStore } from '../types';

function fixture(t: { after: (fn: () => void) => void }) {
  const r = tempRoot();
  t.after(r.cleanup);
  return r.root;
}

const open = (root: string, dbPath: string) => openStore({ roots: [root], dbPath, now: () => (T0 + 60) * 1000 });

/** Runs with sealed chunks (point files) and one short enough to keep its points in the image. */
function writeRuns(root: string): void {
  for (let i = 0; i < 4; i++) writeLog(root, `r${i}`, simpleRun(`r${i}`, 300));
  writeLog(root, 'short', simpleRun('short', 3));
}

async function view(store: RunStore) {
  const runs = store.listRuns().map((r) => [r.id, r.status, r.params, r.metrics]);
  const series = await store.series({ runIds: ['r1', 'short'], keys: ['loss'], points: 1_000_000 });
  return JSON.stringify([runs, series.map((s) => [s.runId, [...s.steps], [...s.values]])]);
}

/** A store indexed and persisted, and what it shows. */
async function persisted(root: string, dbPath: string): Promise<string> {
  writeRuns(root);
  const store = await open(root, dbPath);
  await store.index();
  const expected = await view(store);
  await store.persist();
  await store.close();
  return expected;
}

/** The image and the snapshot text of a persisted file of the current format. */
function parts(dbPath: string): { image: Uint8Array; snapshot: string } {
  const bytes = readFileSync(dbPath);
  const sealed = unseal(bytes, bytes.length);
  assert.ok(!('problem' in sealed), JSON.stringify(sealed));
  assert.equal(typeof sealed.snapshot, 'string');
  return { image: bytes.subarray(0, sealed.length), snapshot: sealed.snapshot as string };
}

const isOpen = (store: RunStore) => (store as unknown as { lazy: { isOpen: boolean } }).lazy.isOpen;

test('a warm start reads its runs from the snapshot and leaves the image closed until a read needs it', async (t) => {
  const root = fixture(t);
  const dbPath = join(root, 'index.db');
  const expected = await persisted(root, dbPath);
  assert.equal(readFileSync(dbPath).toString('latin1', readFileSync(dbPath).length - 32, readFileSync(dbPath).length - 24), 'TRKSIDX2');
  const store = await open(root, dbPath);
  const report = await store.index();
  assert.deepEqual(report.diagnostics, []);
  assert.equal(report.points, 0);
  assert.equal(isOpen(store), false, 'nothing changed: the pass needs no database');
  // Full views of sealed series come from their overviews' spans, still without the database.
  const [full] = await store.series({ runIds: ['r1'], keys: ['loss'], points: 4 });
  assert.ok(full.values.length > 0 && full.total === 300);
  assert.equal(isOpen(store), false);
  // The short run's points live in the image: asking for them opens it.
  assert.equal(await view(store), expected);
  assert.equal(isOpen(store), true);
  await store.close();
});

test('an append after a warm start opens the image inside the pass and is persisted with it', async (t) => {
  const root = fixture(t);
  const dbPath = join(root, 'index.db');
  await persisted(root, dbPath);
  let store = await open(root, dbPath);
  appendLog(root, 'short', `${encodeLine(metrics(3, { loss: 7 }, T0 + 20))}\n`);
  const report = await store.index();
  assert.deepEqual(report.changedRuns, ['short']);
  assert.deepEqual(report.diagnostics, []);
  const expected = await view(store);
  await store.persist();
  await store.close();
  store = await open(root, dbPath);
  assert.deepEqual((await store.index()).diagnostics, []);
  assert.equal(await view(store), expected);
  assert.deepEqual((await store.series({ runIds: ['short'], keys: ['loss'], points: 100 }))[0].values.at(-1), 7);
  await store.close();
});

test('an index file of the first format (snapshot row inside the image, or none) opens without a rebuild', async (t) => {
  const root = fixture(t);
  const dbPath = join(root, 'index.db');
  const expected = await persisted(root, dbPath);
  const { image, snapshot } = parts(dbPath);
  // The first format's snapshot row: one JSON array of each run's JSON text, series as tuples.
  const rows = snapshot.split('\n').slice(1).map((line) => {
    const [id, state, file, flat] = JSON.parse(line) as [string, unknown, unknown, unknown[]];
    const tuples: unknown[] = [];
    for (let i = 0; i < flat.length; ) {
      const spans = flat[i + 10] as number;
      const ov: Array<[number, number]> = [];
      for (let k = 0; k < spans; k++) ov.push([flat[i + 11 + 2 * k] as number, flat[i + 12 + 2 * k] as number]);
      tuples.push([...flat.slice(i, i + 10), spans < 0 ? null : ov]);
      i += 11 + 2 * Math.max(0, spans);
    }
    return JSON.stringify([id, state, file, tuples]);
  });
  const SQL = await initSqlJs();
  for (const withRow of [true, false]) {
    const db = new SQL.Database(Uint8Array.from(image));
    if (withRow) db.run("INSERT OR REPLACE INTO meta (key, value) VALUES ('snapshot', ?)", [JSON.stringify(rows)]);
    const old = db.export();
    db.close();
    writeFileSync(dbPath, Buffer.concat([old, trailerFor(old)]));
    const store = await open(root, dbPath);
    const report = await store.index();
    assert.deepEqual(report.diagnostics, [], `with the row: ${withRow}`);
    assert.equal(report.points, 0);
    assert.equal(await view(store), expected);
    // Persisted again, it is of the current format.
    (store as unknown as { dirty: boolean }).dirty = true;
    await store.persist();
    await store.close();
    assert.equal(typeof parts(dbPath).snapshot, 'string');
  }
});

for (const [label, damage, reason] of [
  ['a byte of its snapshot changed', (b: Buffer) => { b[b.length - 40] ^= 0x20; return b; }, /checksum/],
  ['a byte of its image changed', (b: Buffer) => { b[100] ^= 0x01; return b; }, /checksum/],
  ['its trailer naming lengths that do not add up', (b: Buffer) => { b.writeDoubleLE(b.readDoubleLE(b.length - 16) + 8, b.length - 16); return b; }, /length/],
  ['cut before its trailer', (b: Buffer) => b.subarray(0, b.length - 10), /trailer|short|length/],
  ['cut in its snapshot', (b: Buffer) => b.subarray(0, b.length - 200), /trailer|short|length/],
] as const) {
  test(`an index file with ${label} is rebuilt from the logs, and says why`, async (t) => {
    const root = fixture(t);
    const dbPath = join(root, 'index.db');
    const expected = await persisted(root, dbPath);
    writeFileSync(dbPath, damage(readFileSync(dbPath)));
    const store = await open(root, dbPath);
    const report = await store.index();
    assert.ok(report.diagnostics.some((d) => d.file === dbPath && /rebuilt/.test(d.reason) && reason.test(d.reason)), JSON.stringify(report.diagnostics));
    assert.equal(report.runs, 5);
    assert.equal(await view(store), expected);
    await store.close();
  });
}

test('a snapshot that passes its checksum but is not one this code reads is a rebuild, not a crash', async (t) => {
  const root = fixture(t);
  const dbPath = join(root, 'index.db');
  const expected = await persisted(root, dbPath);
  const { image, snapshot } = parts(dbPath);
  const header = snapshot.slice(0, snapshot.indexOf('\n'));
  for (const [text, reason] of [
    [snapshot.replace('"snapshot":1', '"snapshot":99'), /snapshot format 99/],
    [`${header}\n["r1",{},{},[1,2]]`, /malformed|runs/],
    [`${header}\n{not json`, /JSON|Unexpected|Expected/],
    [header.replace(/"runs":\d+/, '"runs":7') + snapshot.slice(header.length), /holds 5 runs/],
  ] as const) {
    await writeSealed(dbPath, image, Buffer.from(text));
    const store = await open(root, dbPath);
    const report = await store.index();
    assert.ok(report.diagnostics.some((d) => d.file === dbPath && /rebuilt/.test(d.reason) && reason.test(d.reason)), JSON.stringify(report.diagnostics));
    assert.equal(await view(store), expected);
    await store.close();
  }
});

test('an image that cannot be opened after its runs came from the snapshot: every run is read again', async (t) => {
  const root = fixture(t);
  const dbPath = join(root, 'index.db');
  const expected = await persisted(root, dbPath);
  const { image, snapshot } = parts(dbPath);
  // Sealed with a valid checksum, so only opening it tells: not a database of this schema.
  const SQL = await initSqlJs();
  const db = new SQL.Database(Uint8Array.from(image));
  db.run("UPDATE meta SET value = '1' WHERE key = 'schema'");
  const other = db.export();
  db.close();
  await writeSealed(dbPath, other, Buffer.from(snapshot));
  let store = await open(root, dbPath);
  // Listed at once from the snapshot; the first pass writes, opens the image, and rebuilds.
  assert.equal(store.listRuns().length, 5);
  appendLog(root, 'r2', `${encodeLine(metrics(300, { loss: 1 }, T0 + 400))}\n`);
  const report = await store.index();
  assert.ok(report.diagnostics.some((d) => d.file === dbPath && /rebuilt.*schema version 1/.test(d.reason)), JSON.stringify(report.diagnostics));
  assert.equal(report.runs, 5);
  assert.deepEqual([...report.changedRuns].sort(), ['r0', 'r1', 'r2', 'r3', 'short']);
  const got = JSON.parse(await view(store));
  const want = JSON.parse(expected);
  // Only r2 changed: everything else is as before, and the rebuilt index persists cleanly.
  assert.deepEqual(got[1], want[1]);
  assert.deepEqual(got[0].filter((r: unknown[]) => r[0] !== 'r2'), want[0].filter((r: unknown[]) => r[0] !== 'r2'));
  await store.persist();
  await store.close();
  store = await open(root, dbPath);
  assert.deepEqual((await store.index()).diagnostics, []);
  assert.equal(JSON.stringify(JSON.parse(await view(store))), JSON.stringify(got));
  await store.close();
});
