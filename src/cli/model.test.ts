import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempRoot, runDir, writeLog } from '../../test/fixtures/logs';
import { artifact, status } from '../../test/fixtures/records';
import { simpleRun } from '../../test/fixtures/runs';
import { EXIT_NOT_FOUND, EXIT_OK, EXIT_USAGE, main } from './cli';

async function cli(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: {}, cwd: '/' });
  return { code, stdout, stderr };
}

function workspace(t: { after: (fn: () => void) => void }) {
  const { root, cleanup } = tempRoot();
  t.after(cleanup);
  for (const [id, parent] of [['run-a', undefined], ['run-b', 'run-a']] as const) {
    mkdirSync(join(runDir(root, id), 'artifacts'), { recursive: true });
    writeFileSync(join(runDir(root, id), 'artifacts', 'model.pt'), `weights of ${id}`);
    writeLog(root, id, [...simpleRun(id, 2, { start: parent ? { parent } : {} }), artifact('artifacts/model.pt', { kind: 'model' }), status('finished', { ts: 1700000005 })]);
  }
  return root;
}

test('model register, ls, alias and show through the CLI', async (t) => {
  const root = workspace(t);
  const first = await cli(['model', 'register', 'run-a', 'model.pt', '--name', 'mnist', '--alias', 'champion', '--root', root, '--json']);
  assert.equal(first.code, EXIT_OK, first.stderr);
  const v1 = JSON.parse(first.stdout);
  assert.deepEqual([v1.version, v1.run, v1.aliases, v1.sha256], [1, 'run-a', ['champion'], createHash('sha256').update('weights of run-a').digest('hex')]);
  const second = await cli(['model', 'register', 'run-b', join(root, 'runs', 'run-b', 'artifacts', 'model.pt'), '--name', 'mnist', '--copy', '--root', root]);
  assert.equal(second.code, EXIT_OK, second.stderr);
  assert.match(second.stdout, /^mnist version 2: models\/mnist\/files\/2\/model\.pt from run run-b, sha256 [0-9a-f]{64}\n$/);

  const ls = await cli(['model', 'ls', 'mnist', '--root', root, '--json']);
  assert.deepEqual(JSON.parse(ls.stdout).map((v: { version: number; run: string; aliases: string[] }) => [v.version, v.run, v.aliases]), [[1, 'run-a', ['champion']], [2, 'run-b', []]]);
  const all = await cli(['model', 'ls', '--root', root]);
  assert.match(all.stdout, /^NAME\s+VERSIONS\s+LATEST\s+ALIASES\nmnist\s+2\s+2\s+champion=1\n$/);

  const fromRun = await cli(['model', 'ls', '--run', 'run-b', '--root', root, '--json']);
  assert.deepEqual(JSON.parse(fromRun.stdout).map((v: { name: string; version: number }) => `${v.name}:${v.version}`), ['mnist:2'], 'lineage the other way: a run to its versions');

  const moved = await cli(['model', 'alias', 'mnist', '2', 'champion', '--reason', 'higher acc', '--root', root]);
  assert.equal(moved.code, EXIT_OK, moved.stderr);
  assert.equal(moved.stdout, 'mnist@champion → version 2\n');
  const missing = await cli(['model', 'alias', 'mnist', '9', 'champion', '--root', root]);
  assert.equal(missing.code, EXIT_NOT_FOUND);
  assert.match(missing.stderr, /model mnist has no version 9 \(versions: 1, 2\)/);
  assert.match(readFileSync(join(root, 'models', 'mnist', 'aliases.jsonl'), 'utf8'), /"alias":"champion","version":2,"by":"[^"]*","reason":"higher acc"/);

  assert.equal((await cli(['model', 'edit', 'mnist', '--description', 'digits', '--tags', 'cnn, small', '--root', root])).code, EXIT_OK);
  assert.equal((await cli(['model', 'edit', 'mnist:2', '--description', 'the rerun', '--root', root])).code, EXIT_OK);
  assert.equal((await cli(['model', 'edit', 'mnist:9', '--description', 'x', '--root', root])).code, EXIT_NOT_FOUND);
  assert.equal((await cli(['model', 'edit', 'mnist@champion', '--tags', 'x', '--root', root])).code, EXIT_USAGE);
  const shown = await cli(['model', 'show', 'mnist@champion', '--root', root, '--json']);
  assert.equal(shown.code, EXIT_OK, shown.stderr);
  const detail = JSON.parse(shown.stdout);
  assert.equal(detail.version, 2);
  assert.equal(detail.status, 'ok');
  assert.deepEqual(detail.lineage.map((s: { run: string }) => s.run), ['run-b', 'run-a']);
  assert.equal(detail.commit, 'abc123');
  assert.deepEqual([detail.description, detail.modelDescription, detail.modelTags], ['the rerun', 'digits', ['cnn', 'small']]);
  const text = await cli(['model', 'show', 'mnist:1', '--root', root]);
  assert.match(text.stdout, /^file\s+\S+runs\/run-a\/artifacts\/model\.pt \(ok\)$/m);

  writeFileSync(join(root, 'runs', 'run-a', 'artifacts', 'model.pt'), 'replaced');
  const changed = await cli(['model', 'show', 'mnist:1', '--root', root, '--json']);
  assert.equal(changed.code, 3, 'a changed file is not ok for scripts');
  assert.equal(JSON.parse(changed.stdout).status, 'changed');
  assert.match(changed.stderr, /8 bytes; 16 were registered/);
});

test('model: bad names, unknown models and usage errors exit with their codes', async (t) => {
  const root = workspace(t);
  const bad = await cli(['model', 'register', 'run-a', 'model.pt', '--name', '../evil', '--root', root]);
  assert.equal(bad.code, EXIT_USAGE);
  assert.match(bad.stderr, /model name "\.\.\/evil" cannot hold/);
  assert.equal(readdirSync(root).includes('models'), false, 'nothing written');
  assert.equal((await cli(['model', 'register', 'run-a', '--name', 'm', '--root', root])).code, EXIT_USAGE);
  assert.equal((await cli(['model', 'register', 'run-a', 'model.pt', '--root', root])).code, EXIT_USAGE);
  const noRun = await cli(['model', 'register', 'zzz', 'model.pt', '--name', 'm', '--root', root]);
  assert.equal(noRun.code, EXIT_NOT_FOUND);
  const noFile = await cli(['model', 'register', 'run-a', 'nope.pt', '--name', 'm', '--root', root]);
  assert.equal(noFile.code, EXIT_NOT_FOUND);
  assert.match(noFile.stderr, /run run-a has no file "nope.pt"/);
  assert.equal((await cli(['model', 'show', 'ghost', '--root', root])).code, EXIT_NOT_FOUND);
  assert.equal((await cli(['model', 'show', 'ghost:x', '--root', root])).code, EXIT_USAGE);
  assert.equal((await cli(['model', 'alias', 'm', 'two', 'champion', '--root', root])).code, EXIT_USAGE);
  assert.equal((await cli(['model', 'frobnicate'])).code, EXIT_USAGE);
  const help = await cli(['model', '--help']);
  assert.equal(help.code, EXIT_OK);
  assert.match(help.stdout, /NAME\[@ALIAS\|:VERSION\]/);
});

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(join(process.cwd(), 'node_modules', '.bin', 'tsx'), ['src/cli/main.ts', ...args]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('several processes registering at once get distinct versions and overwrite nothing', async (t) => {
  const root = workspace(t);
  const n = 6;
  // Each its own index file, so only the registry's files are shared between the processes.
  const results = await Promise.all(Array.from({ length: n }, (_, i) => run(['model', 'register', i % 2 ? 'run-a' : 'run-b', 'model.pt', '--name', 'race', '--alias', `a${i}`, '--root', root, '--db', join(root, `index-${i}.sqlite`), '--json'])));
  for (const r of results) assert.equal(r.code, 0, r.stderr);
  const versions = results.map((r) => JSON.parse(r.stdout).version as number).sort((a, b) => a - b);
  assert.deepEqual(versions, [1, 2, 3, 4, 5, 6]);
  const files = readdirSync(join(root, 'models', 'race', 'versions')).sort();
  assert.deepEqual(files, ['1.json', '2.json', '3.json', '4.json', '5.json', '6.json']);
  const ls = JSON.parse((await cli(['model', 'ls', 'race', '--root', root, '--json'])).stdout) as Array<{ version: number; run: string; aliases: string[] }>;
  assert.equal(ls.length, n);
  for (const r of results) {
    const mine = JSON.parse(r.stdout) as { version: number; run: string; aliases: string[] };
    const listed = ls.find((v) => v.version === mine.version)!;
    assert.equal(listed.run, mine.run, 'each version holds what its writer wrote');
    assert.deepEqual(listed.aliases, mine.aliases, 'every alias append landed whole');
  }
  assert.equal(readFileSync(join(root, 'models', 'race', 'aliases.jsonl'), 'utf8').trimEnd().split('\n').length, n);
});
