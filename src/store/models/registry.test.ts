import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, appendFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openStore, type RunDetail } from '..';
import { tempRoot, writeLog, runDir } from '../../../test/fixtures/logs';
import { artifact, status } from '../../../test/fixtures/records';
import { simpleRun } from '../../../test/fixtures/runs';
import { editModel, fileStatus, lineage, listModels, moveAlias, parseModelRef, readModel, registerModel, resolveModel, versionsOfRun, ModelError, modelNameProblem } from '.';

const sha = (text: string) => createHash('sha256').update(text).digest('hex');

/** A root with a finished run `r1` (and its rerun `r2`) that saved artifacts/model.pt, as the logger records it. */
async function workspace(t: { after: (fn: () => void) => void }) {
  const { root, cleanup } = tempRoot();
  t.after(cleanup);
  const weights = 'weights v1';
  for (const [id, parent] of [['r1', undefined], ['r2', 'r1']] as const) {
    mkdirSync(join(runDir(root, id), 'artifacts'), { recursive: true });
    writeFileSync(join(runDir(root, id), 'artifacts', 'model.pt'), weights + id);
    writeLog(root, id, [
      ...simpleRun(id, 3, { start: parent ? { parent } : {}, summary: { best_acc: 0.9 } }),
      artifact('artifacts/model.pt', { kind: 'model', size: weights.length + id.length, sha256: sha(weights + id) }),
      status('finished', { ts: 1700000010 }),
    ]);
  }
  const store = await openStore({ roots: [root] });
  await store.index();
  t.after(() => void store.close());
  const run = (id: string) => store.getRun(id) as RunDetail;
  return { root, store, run };
}

test('names: path characters, length, reserved names and references get a clear error', () => {
  assert.equal(modelNameProblem('mnist-cnn_v2.1'), undefined);
  assert.match(modelNameProblem('../etc')!, /cannot hold the character "\."|cannot hold/);
  assert.match(modelNameProblem('a/b')!, /path character "\/"/);
  assert.match(modelNameProblem('a\\b')!, /path character/);
  assert.match(modelNameProblem('x'.repeat(101))!, /limit is 100/);
  assert.match(modelNameProblem('con')!, /reserved device name/);
  assert.match(modelNameProblem('name.')!, /cannot end/);
  assert.match(modelNameProblem('')!, /empty/);
  assert.match(modelNameProblem('a\nb')!, /"\\n"/);
  assert.deepEqual(parseModelRef('m@champion'), { name: 'm', alias: 'champion' });
  assert.deepEqual(parseModelRef('m:3'), { name: 'm', version: 3 });
  assert.deepEqual(parseModelRef('m'), { name: 'm' });
  assert.throws(() => parseModelRef('m:x'), /whole number/);
  assert.throws(() => parseModelRef('m@latest'), /reserved/);
});

test('versions count up per model, record the run, and point at the run file unless copied', async (t) => {
  const { root, run } = await workspace(t);
  const v1 = await registerModel(root, { name: 'mnist', run: run('r1'), artifact: 'model.pt' });
  const v2 = await registerModel(root, { name: 'mnist', run: run('r2'), artifact: 'artifacts/model.pt', copy: true, description: 'the rerun' });
  const other = await registerModel(root, { name: 'other', run: run('r1'), artifact: 'artifacts/model.pt' });
  assert.deepEqual([v1.version, v2.version, other.version], [1, 2, 1]);
  assert.equal(v1.file, 'runs/r1/artifacts/model.pt');
  assert.equal(v1.copied, false);
  assert.equal(v2.file, 'models/mnist/files/2/model.pt');
  assert.equal(readFileSync(join(root, v2.file), 'utf8'), 'weights v1r2');
  assert.equal(v1.sha256, sha('weights v1r1'));
  assert.equal(v1.size, 'weights v1r1'.length);
  const model = await readModel(root, 'mnist');
  assert.deepEqual(model.problems, []);
  const read = model.versions[0]!;
  assert.equal(read.run, 'r1');
  assert.equal(read.commit, 'abc123');
  assert.equal(read.dirty, true);
  assert.deepEqual(read.params, { lr: 0.1, 'model.depth': 4, 'model.act': 'relu' });
  assert.deepEqual(read.summary, { best_acc: 0.9 });
  assert.equal(read.metrics.loss, 9);
  assert.equal((read.env.git as { commit: string }).commit, 'abc123');
  assert.equal(model.versions[1]!.parent, 'r1');
  assert.equal(model.versions[1]!.description, 'the rerun');
  assert.deepEqual(await listModels(root), ['mnist', 'other']);
  assert.deepEqual((await versionsOfRun(root, 'r1')).map((v) => `${v.name}:${v.version}`), ['mnist:1', 'other:1']);
  assert.equal((await resolveModel(root, 'mnist')).version.version, 2, 'a name alone is the latest version');
  assert.equal((await resolveModel(root, 'mnist:1')).version.run, 'r1');
  await assert.rejects(resolveModel(root, 'mnist:7'), /has no version 7/);
  await assert.rejects(resolveModel(root, 'nope'), /no model named "nope"/);
});

test('registration refuses folders, paths out of the run, bad names and an artifact changed since it was logged', async (t) => {
  const { root, run } = await workspace(t);
  await assert.rejects(registerModel(root, { name: 'a/b', run: run('r1'), artifact: 'model.pt' }), /path character/);
  await assert.rejects(registerModel(root, { name: 'm', run: run('r1'), artifact: '../r2/artifacts/model.pt' }), /has no file/);
  await assert.rejects(registerModel(root, { name: 'm', run: run('r1'), artifact: '/etc/passwd' }), /has no file/);
  await assert.rejects(registerModel(root, { name: 'm', run: run('r1'), artifact: 'artifacts' }), /is a folder/);
  writeFileSync(join(root, 'runs', 'r1', 'artifacts', 'model.pt'), 'tampered!!!!');
  await assert.rejects(registerModel(root, { name: 'm', run: run('r1'), artifact: 'model.pt' }), (err: ModelError) => err.kind === 'refused' && /changed since run r1 logged it/.test(err.message));
  assert.deepEqual(readdirSync(join(root, 'models', 'm', 'versions')), [], 'a refused registration leaves no version behind');
  await assert.rejects(registerModel(root, { name: 'm', run: run('r2'), artifact: 'model.pt', alias: 'latest' }), /reserved/);
  await assert.rejects(registerModel(root, { name: 'm', run: { ...run('r2'), readOnly: true }, artifact: 'model.pt' }), /read from another tool's folder/);
});

test('aliases: one version each, moves kept with who, when and why, and never onto a missing version', async (t) => {
  const { root, run } = await workspace(t);
  await registerModel(root, { name: 'm', run: run('r1'), artifact: 'model.pt', alias: 'champion', by: 'ana' });
  await registerModel(root, { name: 'm', run: run('r2'), artifact: 'model.pt', alias: 'staging' });
  let clock = 1_700_000_000_000;
  await moveAlias(root, 'm', 'champion', 2, { reason: 'better val acc', by: 'bo', now: () => (clock += 1000) });
  await assert.rejects(moveAlias(root, 'm', 'champion', 5), (err: ModelError) => err.kind === 'missing' && /has no version 5 \(versions: 1, 2\)/.test(err.message));
  await assert.rejects(moveAlias(root, 'nope', 'champion', 1), /no model named/);
  await assert.rejects(moveAlias(root, 'm', '9lives', 1), /starting with a letter/);
  const model = await readModel(root, 'm');
  assert.deepEqual(model.aliases, { staging: 2, champion: 2 });
  assert.deepEqual(model.versions.map((v) => v.aliases.sort()), [[], ['champion', 'staging']]);
  assert.deepEqual(model.history.map((h) => [h.alias, h.version, h.reason, h.by]), [
    ['champion', 1, 'registered', 'ana'],
    ['staging', 2, 'registered', model.history[1]!.by],
    ['champion', 2, 'better val acc', 'bo'],
  ]);
  assert.equal(model.history[2]!.ts, 1_700_000_001);
  await moveAlias(root, 'm', 'staging', null, { reason: 'promoted' });
  assert.deepEqual((await readModel(root, 'm')).aliases, { champion: 2 });
  assert.equal((await resolveModel(root, 'm@champion')).version.run, 'r2');
  await assert.rejects(resolveModel(root, 'm@staging'), /has no alias "staging" \(it has champion\)/);
});

test('a torn or bad line in the alias history is reported and skipped; the next move closes it off', async (t) => {
  const { root, run } = await workspace(t);
  await registerModel(root, { name: 'm', run: run('r1'), artifact: 'model.pt', alias: 'champion' });
  const file = join(root, 'models', 'm', 'aliases.jsonl');
  appendFileSync(file, 'not json\n{"ts":1,"alias":"champion","version":"2"}\n{"ts":1,"alias":"champ');
  let model = await readModel(root, 'm');
  assert.deepEqual(model.aliases, { champion: 1 });
  assert.deepEqual(model.problems.map((p) => [p.line, p.reason]), [[2, 'not valid JSON'], [3, '"version" is not a version number or null']]);
  await registerModel(root, { name: 'm', run: run('r2'), artifact: 'model.pt', alias: 'champion' });
  model = await readModel(root, 'm');
  assert.deepEqual(model.aliases, { champion: 2 });
  assert.equal(model.problems.length, 3, 'the torn line, now complete, is a bad line; nothing was glued to it');
});

test('a model file replaced or removed after registration shows as changed or missing, never ok', async (t) => {
  const { root, run } = await workspace(t);
  const v = await registerModel(root, { name: 'm', run: run('r1'), artifact: 'model.pt' });
  assert.equal((await fileStatus(root, v)).state, 'ok');
  const file = join(root, 'runs', 'r1', 'artifacts', 'model.pt');
  writeFileSync(file, 'weights v1r9'); // same size, other bytes
  const same = await fileStatus(root, v);
  assert.equal(same.state, 'changed');
  assert.match(same.reason!, /sha256/);
  writeFileSync(file, 'longer weights');
  assert.match((await fileStatus(root, v)).reason!, /14 bytes; 12 were registered/);
  writeFileSync(file, 'weights v1r1');
  assert.equal((await fileStatus(root, v)).state, 'ok');
  (await import('node:fs')).rmSync(file);
  assert.equal((await fileStatus(root, v)).state, 'missing');
  assert.equal((await fileStatus(root, { ...v, file: 'runs/../../../etc/passwd' })).state, 'missing', 'a hand-edited record cannot lead out of the root');
});

test('hostile version files and descriptions are read as data or reported, never trusted', async (t) => {
  const { root, run } = await workspace(t);
  const hostile = '<img src=x onerror=alert(1)> [click](command:workbench.action.terminal.new) ${env:HOME}';
  await registerModel(root, { name: 'm', run: run('r1'), artifact: 'model.pt', description: hostile });
  await editModel(root, 'm', { description: hostile, tags: ['a', '<b>'] });
  const dir = join(root, 'models', 'm', 'versions');
  writeFileSync(join(dir, '2.json'), JSON.stringify({ format: 1, name: 'm', version: 2, ts: 1, run: 'r1', artifact: 'a', file: '../../etc/passwd', size: 1, sha256: 'a'.repeat(64) }));
  writeFileSync(join(dir, '3.json'), '{"format":1,');
  writeFileSync(join(dir, '4.json'), '');
  writeFileSync(join(dir, '5.json'), JSON.stringify({ format: 1, name: 'other', version: 5 }));
  const model = await readModel(root, 'm');
  assert.deepEqual(model.versions.map((v) => v.version), [1]);
  assert.equal(model.versions[0]!.description, hostile);
  assert.equal(model.description, hostile);
  assert.deepEqual(model.tags, ['a', '<b>']);
  assert.deepEqual(model.problems.map((p) => p.reason.split(' (')[0]), ['"file" is not a plain relative path', 'not valid JSON', 'empty: a registration in progress, or one whose writer stopped', '"name" does not match the folder m']);
  const next = await registerModel(root, { name: 'm', run: run('r2'), artifact: 'model.pt' });
  assert.equal(next.version, 6, 'no existing file is overwritten, even a broken one');
});

test('lineage follows a version to its run, the runs it was rerun from, and the commit', async (t) => {
  const { root, run, store } = await workspace(t);
  const v = await registerModel(root, { name: 'm', run: run('r2'), artifact: 'model.pt' });
  const byId = new Map(store.listRuns().map((r) => [r.id, r]));
  const chain = lineage(v, byId);
  assert.deepEqual(chain.runs.map((s) => [s.runId, s.run?.name]), [['r2', 'name-r2'], ['r1', 'name-r1']]);
  assert.equal(chain.commit, 'abc123');
  const gone = lineage(v, new Map());
  assert.deepEqual(gone.runs.map((s) => [s.runId, s.run]), [['r2', undefined], ['r1', undefined]], 'the recorded parent stands in when the run left the index');
  const loop = new Map([...byId].map(([id, r]) => [id, { ...r, parent: id === 'r1' ? 'r2' : 'r1' }]));
  assert.equal(lineage(v, loop).runs.length, 2, 'a parent cycle stops');
});

test('registrations racing in one process all read the same next number and still get distinct versions', async (t) => {
  const { root, run } = await workspace(t);
  const made = await Promise.all(Array.from({ length: 12 }, (_, i) => registerModel(root, { name: 'm', run: run(i % 2 ? 'r1' : 'r2'), artifact: 'model.pt', alias: `a${i}` })));
  assert.deepEqual(made.map((v) => v.version).sort((a, b) => a - b), Array.from({ length: 12 }, (_, i) => i + 1));
  const model = await readModel(root, 'm');
  assert.deepEqual(model.problems, []);
  for (const v of made) assert.equal(model.versions.find((x) => x.version === v.version)!.run, v.run);
  assert.equal(Object.keys(model.aliases).length, 12);
});
