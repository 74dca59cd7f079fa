// A teammate can write anything into refs/trackside/runs. These refs are built byte by byte with git plumbing
// (trees written --literally where git's own tools refuse the names) and fetched by another clone.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';
import { openStore } from '../store';
import { gitEnv, gitSync, makeTeam, type Teammate } from '../../test/fixtures/teamGit';
import { materialise, LIMITS } from './materialise';
import { RUNS_REF } from './repo';
import { encodeSeries } from '../store';

function hashObject(cwd: string, bytes: Buffer | string, type = 'blob', literally = false): string {
  return execFileSync('git', ['hash-object', '-w', '-t', type, ...(literally ? ['--literally'] : []), '--stdin'], { cwd, env: gitEnv, input: bytes }).toString().trim();
}

type Entry = { mode: string; name: string; id: string };

/** A tree object written as raw bytes, so names git would refuse (`..`, `a/b`) can be in it. */
function rawTree(cwd: string, entries: Entry[]): string {
  const parts = entries
    .slice()
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .map((e) => Buffer.concat([Buffer.from(`${e.mode} ${e.name}\0`), Buffer.from(e.id, 'hex')]));
  return hashObject(cwd, Buffer.concat(parts), 'tree', true);
}

const blob = (cwd: string, text: Buffer | string, name: string, mode = '100644'): Entry => ({ mode, name, id: hashObject(cwd, text) });
const tree = (cwd: string, name: string, entries: Entry[]): Entry => ({ mode: '40000', name, id: rawTree(cwd, entries) });

function goodRun(cwd: string, id: string, extra: Entry[] = []): Entry {
  const meta = { v: 1, id, name: '<img src=x onerror=alert(1)> [link](command:rm)', project: 'p', tags: ['t'], status: 'finished', startTime: 1.7e12, lastUpdate: 1.7e12 + 5000, author: 'Mallory', host: 'evil', argv: [], params: { lr: 0.1 }, overrides: {}, summary: {}, env: {}, artifacts: [] };
  const series = encodeSeries([{ key: 'loss', steps: Float64Array.from([0, 1, 2]), times: Float64Array.from([1.7e12, 1.7e12 + 1000, 1.7e12 + 2000]), values: Float64Array.from([3, 2, 1]) }]);
  return tree(cwd, id, [blob(cwd, JSON.stringify(meta), 'meta.json'), blob(cwd, series, 'series.bin'), ...extra]);
}

function publishRaw(who: Teammate, root: string): void {
  const commit = execFileSync('git', ['commit-tree', root, '-m', 'hostile'], { cwd: who.repo, env: gitEnv }).toString().trim();
  gitSync(who.repo, 'update-ref', RUNS_REF, commit);
  gitSync(who.repo, 'push', '-q', 'origin', `${RUNS_REF}:${RUNS_REF}`);
}

function allFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name));
}

test('a hostile ref: climbing names, links, bad bytes and oversized files are diagnostics; good runs still arrive; nothing is written outside the cache', async (t) => {
  const team = makeTeam();
  t.after(team.cleanup);
  const mallory = team.clone('Mallory');
  const bob = team.clone('Bob');
  const m = mallory.repo;
  const owner = tree(m, 'Mallory@evil', [
    goodRun(m, 'good-1'),
    tree(m, '..', [goodRun(m, 'x')]),
    goodRun(m, 'linked', [tree(m, 'files', [blob(m, '/etc/passwd', 'passwd', '120000')])]),
    goodRun(m, 'climb', [tree(m, 'files', [tree(m, '..', [blob(m, 'owned', 'pwn.txt')])])]),
    tree(m, 'bad-series', [blob(m, '{"v":1}', 'meta.json'), blob(m, Buffer.from('TSS1\x05garbage'), 'series.bin')]),
    tree(m, 'bad-meta', [blob(m, '{not json', 'meta.json')]),
    tree(m, 'huge', [blob(m, '{}', 'meta.json'), blob(m, Buffer.alloc(LIMITS.metaBytes + 1, 0x20), 'series.bin')]),
    tree(m, 'a.b', [blob(m, '{}', 'meta.json'), blob(m, 'x', 'extra.sh')]),
  ]);
  const rootTree = rawTree(m, [owner, tree(m, '..', [tree(m, 'escape', [blob(m, '{}', 'meta.json')])]), blob(m, 'x', 'README')]);
  publishRaw(mallory, rootTree);

  const before = allFiles(team.dir).filter((f) => !f.includes(`${join('Bob', '.git')}`));
  gitSync(bob.repo, 'fetch', '-q', 'origin', `+${RUNS_REF}:refs/trackside/remote/origin`);
  const report = await materialise(bob.repo, 'refs/trackside/remote/origin', bob.root, 'Bob@here', { name: 'origin', key: 'origin-test' }, { ...LIMITS, seriesBytes: 1 << 20 });
  assert.deepEqual(report.written, ['Mallory@evil/good-1']);
  const reasons = report.diagnostics.map((d) => `${d.file} ${d.reason}`).join('\n');
  assert.match(reasons, /\.\.\/escape\/meta\.json not <owner>\/<run-id>\/<file>/);
  assert.match(reasons, /Mallory@evil\/\.\.\/x\/meta\.json not <owner>/);
  assert.match(reasons, /linked files\/passwd is a symbolic link, not a file; run not fetched/);
  assert.match(reasons, /climb unexpected entry files\/\.\.\/pwn\.txt/);
  assert.match(reasons, /bad-series series\.bin/);
  assert.match(reasons, /bad-meta meta\.json is not JSON/);
  assert.match(reasons, /huge series\.bin is \d+ bytes \(at most 1048576\)/);
  assert.match(reasons, /a\.b unexpected entry extra\.sh/);
  assert.match(reasons, /README not <owner>/);
  const after = allFiles(team.dir).filter((f) => !f.includes(`${join('Bob', '.git')}`));
  const added = after.filter((f) => !before.includes(f)).map((f) => relative(bob.root, f));
  assert.ok(added.every((f) => f.startsWith(join('team', ''))), `written outside the cache: ${added.join(', ')}`);
  assert.ok(!existsSync(join(bob.root, 'x')) && !existsSync(join(bob.root, 'team', 'x')));

  // The one good run reads, its name as inert text, read-only, with its author.
  const store = await openStore({ roots: [bob.root] });
  t.after(() => store.close());
  await store.index();
  const runs = store.listRuns();
  assert.deepEqual(runs.map((r) => r.id), ['good-1']);
  assert.equal(runs[0].name, '<img src=x onerror=alert(1)> [link](command:rm)');
  assert.equal(runs[0].author, 'Mallory');
  assert.equal(runs[0].readOnly, true);
});

test('a ref with more entries than the limit is read no further, with a diagnostic', async (t) => {
  const team = makeTeam();
  t.after(team.cleanup);
  const mallory = team.clone('Mallory');
  const bob = team.clone('Bob');
  const m = mallory.repo;
  const runs = Array.from({ length: 40 }, (_, i) => goodRun(m, `r${String(i).padStart(3, '0')}`));
  publishRaw(mallory, rawTree(m, [tree(m, 'Mallory@evil', runs)]));
  gitSync(bob.repo, 'fetch', '-q', 'origin', `+${RUNS_REF}:refs/trackside/remote/origin`);
  const small = await materialise(bob.repo, 'refs/trackside/remote/origin', bob.root, 'Bob@here', { name: 'origin', key: 'origin-test' }, { ...LIMITS, entries: 30 });
  assert.ok(small.diagnostics.some((d) => /more than 30 entries/.test(d.reason)));
  assert.ok(small.written.length <= 15);
  // A listing past the byte cap that bounds it: nothing changed, one diagnostic.
  const tiny = await materialise(bob.repo, 'refs/trackside/remote/origin', bob.root, 'Bob@here', { name: 'origin', key: 'origin-test' }, { ...LIMITS, entries: 1 });
  assert.match(tiny.diagnostics[0]?.reason ?? '', /too large to read/);
});
