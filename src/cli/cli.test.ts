import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { openStore, parseWithFloats } from '../store';
import { paramRows } from '../shared/params';
import { appendLog, runDir, tempRoot, writeLog } from '../../test/fixtures/logs';
import { mediaRun } from '../../test/fixtures/media';
import { logText, metrics, params, start, status, summary, T0 } from '../../test/fixtures/records';
import { simpleRun } from '../../test/fixtures/runs';
import { EXIT_NOT_FOUND, EXIT_OK, EXIT_USAGE, main } from './cli';

async function cli(args: string[], env: Record<string, string | undefined> = {}, cwd = '/') {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env, cwd });
  return { code, stdout, stderr };
}

function workspace(t: { after: (fn: () => void) => void }) {
  const { root, cleanup } = tempRoot();
  t.after(cleanup);
  writeLog(root, 'run-aaa', [...simpleRun('run-aaa', 3, { status: 'finished', lr: 0.1 }), '{"t":"metrics","ts":1700000009,"step":3,"values":{"loss":NaN,"acc":-Infinity}}']);
  writeLog(root, 'run-abb', simpleRun('run-abb', 2, { status: 'failed', lr: 0.2 }));
  writeLog(root, 'other', [...simpleRun('other', 1), 'not json']);
  return root;
}

test('index prints runs, points, errors and time; --json is exact', async (t) => {
  const root = workspace(t);
  const human = await cli(['index', '--root', root]);
  assert.equal(human.code, EXIT_OK);
  assert.match(human.stdout, /^3 runs, 14 new points, 3 changed, 0 removed, 1 files with errors, \d+ ms\n/);
  assert.match(human.stdout, /other\/events\.jsonl\s+4\s+not valid JSON/);
  assert.ok(existsSync(join(root, 'index.sqlite')), 'the index is persisted under the root by default');
  appendLog(root, 'run-abb', logText([metrics(2, { loss: 1 }, T0 + 9)]));
  const again = await cli(['index', '--json'], { TRACKSIDE_DIR: root });
  const report = JSON.parse(again.stdout);
  assert.equal(report.runs, 3);
  assert.equal(report.points, 1);
  assert.deepEqual(report.changedRuns, ['run-abb']);
});

test('ls lists, filters and sorts; --json encodes NaN and infinities', async (t) => {
  const root = workspace(t);
  const human = await cli(['ls', '--root', root]);
  assert.equal(human.code, EXIT_OK);
  const lines = human.stdout.trimEnd().split('\n');
  assert.match(lines[0], /^ID\s+NAME\s+PROJECT\s+STATUS\s+STARTED\s+DURATION\s+STEP\s+TAGS$/);
  assert.equal(lines.length, 4);
  const failed = await cli(['ls', '--root', root, '--status', 'failed', '--json']);
  assert.deepEqual(JSON.parse(failed.stdout).map((r: { id: string }) => r.id), ['run-abb']);
  const sorted = await cli(['ls', '--root', root, '--sort', 'param:lr', '--desc', '--json', '--no-index']);
  const rows = parseWithFloats<Array<{ id: string; metrics: Record<string, { last: number }> }>>(sorted.stdout);
  assert.deepEqual(rows.map((r) => r.id), ['run-abb', 'other', 'run-aaa'], 'ties break by id');
  assert.ok(Number.isNaN(rows[2].metrics.loss.last));
  assert.equal(rows[2].metrics.acc.last, -Infinity);
  assert.match(sorted.stdout, /"last": \{\s*"\$float": "NaN"\s*\}/);
});

test('show resolves ids, names and unique prefixes; exit 1 when not found or ambiguous', async (t) => {
  const root = workspace(t);
  const shown = await cli(['show', 'run-aa', '--root', root]);
  assert.equal(shown.code, EXIT_OK);
  assert.match(shown.stdout, /^run\s+run-aaa$/m);
  assert.match(shown.stdout, /^loss\s+NaN\s+9\s+10\s+3\s+4$/m);
  assert.match(shown.stdout, /^model\.depth\s+4$/m);
  const byName = await cli(['show', 'name-other', '--root', root, '--json']);
  const detail = parseWithFloats<{ id: string; params: Record<string, unknown>; argv: string[] }>(byName.stdout);
  assert.equal(detail.id, 'other');
  assert.deepEqual(detail.params, { lr: 0.1, 'model.depth': 4, 'model.act': 'relu' });
  const ambiguous = await cli(['show', 'run-a', '--root', root]);
  assert.equal(ambiguous.code, EXIT_NOT_FOUND);
  assert.match(ambiguous.stderr, /matches 2 runs/);
  const missing = await cli(['show', 'zzz', '--root', root]);
  assert.equal(missing.code, EXIT_NOT_FOUND);
  assert.match(missing.stderr, /no run matches "zzz"/);
});

test('compare shows differing params and last metrics side by side', async (t) => {
  const root = workspace(t);
  const human = await cli(['compare', 'run-aaa', 'run-abb', '--root', root]);
  assert.equal(human.code, EXIT_OK);
  assert.match(human.stdout, /^lr\s+0\.1\s+0\.2$/m);
  assert.doesNotMatch(human.stdout, /model\.depth/);
  assert.match(human.stdout, /^loss\s+NaN\s+9\.5$/m);
  const json = parseWithFloats<{ runs: string[]; params: Array<{ key: string; differs: boolean }>; metrics: Array<{ key: string }> }>((await cli(['compare', 'run-aaa', 'run-abb', '--root', root, '--json'])).stdout);
  assert.deepEqual(json.runs, ['run-aaa', 'run-abb']);
  assert.deepEqual(json.params.filter((p) => p.differs).map((p) => p.key), ['lr']);
  assert.deepEqual(json.metrics.map((m) => m.key), ['acc', 'loss']);
  assert.equal((await cli(['compare', 'run-aaa', 'nope', '--root', root])).code, EXIT_NOT_FOUND);
});

test('usage errors exit 2 with a hint; --help exits 0', async () => {
  for (const args of [[], ['frobnicate'], ['ls', '--bogus'], ['show'], ['compare', 'one'], ['ls', '--limit', 'x'], ['ls', '--status', 'sleepy'], ['ls', '--root']]) {
    const r = await cli(args);
    assert.equal(r.code, EXIT_USAGE, args.join(' '));
    assert.notEqual(r.stderr, '');
  }
  const help = await cli(['--help']);
  assert.equal(help.code, EXIT_OK);
  assert.match(help.stdout, /\$float/);
});

test('the entry point runs as a process and sets the exit code', (t) => {
  const root = workspace(t);
  const tsx = join(process.cwd(), 'node_modules', '.bin', 'tsx');
  const ok = spawnSync(tsx, ['src/cli/main.ts', 'ls', '--root', root, '--json'], { encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(JSON.parse(ok.stdout).length, 3);
  const missing = spawnSync(tsx, ['src/cli/main.ts', 'show', 'nope', '--root', root], { encoding: 'utf8' });
  assert.equal(missing.status, 1);
});

test('integers beyond 2^53 print with every digit, and --json keeps them as {"$int": …}', async (t) => {
  const { root, cleanup } = tempRoot();
  t.after(cleanup);
  const big = '18446744073709551617';
  const twin = '18446744073709551616'; // the same double as `big`
  const bigRun = (id: string, seed: string) => [
    start({ id, env: { seed: BigInt(seed) } }),
    params({ seed: BigInt(seed), lr: 0.1 }, { source: 'override' }),
    summary({ tokens: -BigInt(seed) }, T0 + 1),
    status('finished', { ts: T0 + 2 }),
  ];
  writeLog(root, 'big-a', bigRun('big-a', big));
  writeLog(root, 'big-b', bigRun('big-b', twin));
  const shown = await cli(['show', 'big-a', '--root', root]);
  assert.equal(shown.code, EXIT_OK);
  assert.match(shown.stdout, new RegExp(`^seed \\(override\\)\\s+${big}$`, 'm'));
  assert.match(shown.stdout, new RegExp(`^tokens\\s+-${big}$`, 'm'));
  assert.match(shown.stdout, new RegExp(`^seed\\s+${big}$`, 'm'));
  const text = (await cli(['show', 'big-a', '--root', root, '--json', '--no-index'])).stdout;
  assert.ok(text.includes(`"$int": "${big}"`), 'the digits are in the JSON text');
  const detail = JSON.parse(text) as Record<string, unknown>;
  assert.deepEqual(detail.params, { seed: { $int: big }, lr: 0.1 });
  assert.deepEqual(detail.overrides, { seed: { $int: big }, lr: 0.1 });
  assert.deepEqual(detail.summary, { tokens: { $int: `-${big}` } });
  assert.deepEqual((detail.env as Record<string, unknown>).seed, { $int: big });
  assert.equal('exactInts' in detail, false, 'the tags say it all');
  const listed = JSON.parse((await cli(['ls', '--root', root, '--json', '--no-index'])).stdout) as Array<{ id: string; params: unknown }>;
  assert.deepEqual(listed.find((r) => r.id === 'big-b')?.params, { seed: { $int: twin }, lr: 0.1 });
  // Equal doubles, different integers: compare must say they differ, and show both.
  const human = await cli(['compare', 'big-a', 'big-b', '--root', root, '--no-index']);
  assert.match(human.stdout, new RegExp(`^seed\\s+${big}\\s+${twin}$`, 'm'));
  const json = JSON.parse((await cli(['compare', 'big-a', 'big-b', '--root', root, '--json', '--no-index'])).stdout) as { params: Array<{ key: string; differs: boolean; values: unknown[] }> };
  assert.deepEqual(json.params.find((p) => p.key === 'seed'), { key: 'seed', values: [{ $int: big }, { $int: twin }], differs: true, present: [true, true] });
  assert.equal(json.params.find((p) => p.key === 'lr')?.differs, false);
});

test('the CLI\'s compare lists params in the compare view\'s order: by name ignoring case, numbers by value', async (t) => {
  const { root, cleanup } = tempRoot();
  t.after(cleanup);
  const params = (lr: number) => ({ layer10: 1, Batch: 32, layer2: lr, alpha: lr, 'model.depth': 4, LR: lr, lr });
  for (const [id, lr] of [['ord-a', 0.1], ['ord-b', 0.2]] as const) {
    writeLog(root, id, [start({ id }), JSON.stringify({ t: 'params', ts: T0, params: params(lr), source: 'config' })]);
  }
  const json = parseWithFloats<{ params: Array<{ key: string }> }>((await cli(['compare', 'ord-a', 'ord-b', '--root', root, '--json'])).stdout);
  const expected = ['alpha', 'Batch', 'layer2', 'layer10', 'LR', 'lr', 'model.depth'];
  assert.deepEqual(json.params.map((p) => p.key), expected);
  // The compare view's rows come from the same diff over the store's runs.
  const store = await openStore({ roots: [root] });
  t.after(() => store.close());
  await store.index();
  const viewRows = paramRows(['ord-a', 'ord-b'].map((id) => store.getRun(id)));
  assert.deepEqual(viewRows.map((r) => r.key), expected);
  const human = (await cli(['compare', 'ord-a', 'ord-b', '--root', root, '--all', '--no-index'])).stdout;
  const listed = human.split('\n').map((line) => line.split(/\s+/)[0]).filter((key) => expected.includes(key!));
  assert.deepEqual(listed, expected, 'the table too');
});

test('series prints one metric as the charts get it: every point, or downsampled with --points', async (t) => {
  const root = workspace(t);
  const exact = await cli(['series', 'run-aa', 'loss', '--root', root, '--json']);
  assert.equal(exact.code, EXIT_OK, exact.stderr);
  const s = parseWithFloats<{ run: string; key: string; total: number; steps: number[]; times: number[]; values: number[] }>(exact.stdout);
  assert.deepEqual({ run: s.run, key: s.key, total: s.total, steps: s.steps }, { run: 'run-aaa', key: 'loss', total: 4, steps: [0, 1, 2, 3] });
  assert.deepEqual(s.times, [0, 1, 2, 9].map((d) => (T0 + d) * 1000));
  assert.deepEqual(s.values, [10, 9.5, 9, NaN]);
  const csv = await cli(['series', 'run-aaa', 'acc', '--root', root, '--csv', '--no-index']);
  assert.equal(csv.stdout, ['step,time,value', ...[0, 0.1, 0.2].map((v, i) => `${i},${(T0 + i) * 1000},${v}`), `3,${(T0 + 9) * 1000},-Infinity`, ''].join('\n'));
  const human = await cli(['series', 'run-aaa', 'loss', '--root', root, '--no-index']);
  assert.match(human.stdout, /^STEP\s+TIME\s+VALUE\n/);
  assert.equal(human.stdout.trimEnd().split('\n').length, 5);

  writeLog(root, 'long', simpleRun('long', 1000));
  const down = parseWithFloats<{ total: number; steps: number[] }>((await cli(['series', 'long', 'loss', '--root', root, '--points', '10', '--json'])).stdout);
  assert.equal(down.total, 1000);
  assert.ok(down.steps.length > 4 && down.steps.length <= 10, `${down.steps.length} points`);
  assert.deepEqual([down.steps[0], down.steps.at(-1)], [0, 999], 'first and last are kept');
  const shortTable = await cli(['series', 'long', 'loss', '--root', root, '--points', '10', '--no-index']);
  assert.match(shortTable.stdout, new RegExp(`\\n${down.steps.length} of 1000 points\\n$`));
});

test('series: exit 1 for an unknown or ambiguous run or an unknown metric, 2 for usage errors', async (t) => {
  const root = workspace(t);
  for (const args of [['nope', 'loss'], ['run-a', 'loss'], ['run-aaa', 'nope']]) {
    const r = await cli(['series', ...args, '--root', root]);
    assert.equal(r.code, EXIT_NOT_FOUND, args.join(' '));
    assert.equal(r.stdout, '');
    assert.notEqual(r.stderr, '');
  }
  for (const args of [['run-aaa'], ['run-aaa', 'loss', 'x'], ['run-aaa', 'loss', '--points', '0'], ['run-aaa', 'loss', '--points', 'x'], ['run-aaa', 'loss', '--json', '--csv']]) {
    const r = await cli(['series', ...args, '--root', root]);
    assert.equal(r.code, EXIT_USAGE, args.join(' '));
    assert.match(r.stderr, /trackside --help/);
  }
});

test('show lists media keys with kind and count; --json as media: {key: {kind, count}}', async (t) => {
  const { root, cleanup } = tempRoot();
  t.after(cleanup);
  writeLog(root, 'med', mediaRun(runDir(root, 'med'), 'med', { steps: 3 }));
  const shown = await cli(['show', 'med', '--root', root, '--json']);
  assert.equal(shown.code, EXIT_OK);
  assert.deepEqual(JSON.parse(shown.stdout).media, {
    note: { kind: 'text', count: 1 },
    preds: { kind: 'table', count: 1 },
    samples: { kind: 'image', count: 3 },
    weights: { kind: 'histogram', count: 3 },
  });
  const human = await cli(['show', 'med', '--root', root]);
  assert.match(human.stdout, /^Media\nKEY\s+KIND\s+STEPS\s+FIRST\s+LAST$/m);
  assert.match(human.stdout, /^samples\s+image\s+3\s+0\s+2$/m);
});
