import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ema } from './ema';
import { goalOf } from './goals';
import { defaultBaseline, metricRows, orderKeys, primaryKey, type MetricStats } from './summary';
import { assignSlots, slotColor } from './colors';
import { paramRows } from './params';

const m = (last: number, min: number, max: number): MetricStats => ({ last, lastStep: 9, min, max });

test('ema with weight 0 is the raw series; the first point is never pulled towards zero', () => {
  assert.deepEqual([...ema([1, 2, 3], 0)], [1, 2, 3]);
  const s = ema([10, 10, 10, 10], 0.9);
  for (const v of s) assert.ok(Math.abs(v - 10) < 1e-9, `debiased value ${v}`);
});

test('ema follows a step change gradually and matches the debiased formula', () => {
  const s = ema([0, 1], 0.5);
  // last1 = 0, debias1 = .5 → 0; last2 = .5, debias2 = .75 → 2/3
  assert.equal(s[0], 0);
  assert.ok(Math.abs(s[1]! - 2 / 3) < 1e-12);
});

test('ema passes NaN and infinities through without poisoning later points', () => {
  const s = ema([1, NaN, Infinity, 1], 0.8);
  assert.equal(s[0], 1);
  assert.ok(Number.isNaN(s[1]));
  assert.equal(s[2], Infinity);
  assert.equal(s[3], 1);
});

test('goals: losses go down, accuracies go up', () => {
  assert.equal(goalOf('train/loss'), 'min');
  assert.equal(goalOf('val/acc'), 'max');
  assert.equal(goalOf('val/top5'), 'max');
  assert.equal(goalOf('val/error_rate'), 'min');
  assert.equal(goalOf('custom'), 'min');
});

test('keys are ordered train, val, test, others, system last', () => {
  assert.deepEqual(orderKeys(['system/cpu', 'z', 'val/loss', 'train/loss', 'opt/lr', 'test/acc']), [
    'train/loss', 'val/loss', 'test/acc', 'opt/lr', 'z', 'system/cpu',
  ]);
  assert.equal(primaryKey(['train/loss', 'val/acc', 'system/cpu']), 'val/acc');
  assert.equal(primaryKey(['system/cpu']), undefined);
});

test('metric rows mark the best run per goal and compute deltas against the baseline', () => {
  const runs: Array<{ id: string; metrics: Record<string, MetricStats> }> = [
    { id: 'a', metrics: { 'val/loss': m(0.5, 0.4, 2), 'val/acc': m(0.7, 0.1, 0.7) } },
    { id: 'b', metrics: { 'val/loss': m(0.3, 0.2, 2), 'val/acc': m(0.6, 0.1, 0.8) } },
    { id: 'c', metrics: { 'val/loss': m(NaN, NaN, NaN) } },
  ];
  const rows = metricRows(runs, 'a');
  const loss = rows.find((r) => r.key === 'val/loss')!;
  const acc = rows.find((r) => r.key === 'val/acc')!;
  assert.equal(loss.bestIndex, 1);
  assert.equal(acc.bestIndex, 1);
  assert.ok(Math.abs(loss.cells[1]!.delta! - -0.2) < 1e-12);
  assert.equal(loss.cells[0]!.delta, 0);
  assert.equal(loss.cells[2]!.delta, undefined, 'no delta from a non-finite best');
  assert.equal(acc.cells[2], null, 'a missing key is null, not zero');
});

test('a metric with no finite value has no best run', () => {
  const rows = metricRows([{ id: 'a', metrics: { loss: m(NaN, NaN, NaN) } }]);
  assert.equal(rows[0]!.bestIndex, -1);
});

test('default baseline: the parent of a compared rerun, else the best run on the primary metric', () => {
  const a = { id: 'a', metrics: { 'val/loss': m(1, 0.9, 2) } };
  const b = { id: 'b', metrics: { 'val/loss': m(1, 0.3, 2) } };
  const rerun = { id: 'r', parent: 'a', metrics: { 'val/loss': m(1, 0.1, 2) } };
  assert.equal(defaultBaseline([a, b]), 'b');
  assert.equal(defaultBaseline([b, rerun, a]), 'a');
  assert.equal(defaultBaseline([{ id: 'x', metrics: {} }]), 'x');
  assert.equal(defaultBaseline([]), undefined);
});

test('colour slots are stable when runs are added and removed', () => {
  const first = assignSlots(new Map(), ['a', 'b', 'c']);
  assert.deepEqual([...first], [['a', 0], ['b', 1], ['c', 2]]);
  const second = assignSlots(first, ['c', 'd', 'a']);
  assert.equal(second.get('a'), 0);
  assert.equal(second.get('c'), 2);
  assert.equal(second.get('d'), 1, 'a new run takes the lowest free slot');
  assert.equal(new Set(assignSlots(new Map(), Array.from({ length: 300 }, (_, i) => `r${i}`)).values()).size, 300);
  assert.match(slotColor(0), /^var\(--vscode-charts-/);
  assert.notEqual(slotColor(6), slotColor(7));
});

test('param rows tell missing from null and mark differences', () => {
  const rows = paramRows([{ params: { lr: 0.1, opt: 'adam', x: null } }, { params: { lr: 0.1, opt: 'sgd' } }]);
  assert.deepEqual(rows.map((r) => [r.key, r.differs]), [['lr', false], ['opt', true], ['x', true]]);
  assert.equal(rows[2]!.values[1], undefined);
  assert.ok(!paramRows([{ params: { n: NaN } }, { params: { n: NaN } }])[0]!.differs, 'NaN equals NaN here');
});

test('command lines are quoted for a POSIX shell', async () => {
  const { commandLine } = await import('./commandLine');
  assert.equal(commandLine('python', ['train.py', '--lr', '0.1']), 'python train.py --lr 0.1');
  assert.equal(commandLine(undefined, ['a b', "it's", '$(rm -rf ~)', '']), `'a b' 'it'\\''s' '$(rm -rf ~)' ''`);
  // A newline would be typed as Enter; a leading `=` is expanded by zsh.
  assert.equal(commandLine('python', ['-c', 'a\nb', '=x']), `python -c $'a\\nb' '=x'`);
  // A NUL cannot be passed at all: shown, but as a comment that runs nothing when pasted.
  const { NOT_RUNNABLE } = await import('./commandLine');
  assert.equal(commandLine('python', ['a\u0000b']), `${NOT_RUNNABLE} ["python","a\\u0000b"]`);
});

test('system metrics have no best run and no deltas', () => {
  const rows = metricRows([{ id: 'a', metrics: { 'system/cpu': m(50, 10, 90) } }, { id: 'b', metrics: { 'system/cpu': m(20, 5, 30) } }], 'a');
  assert.equal(rows[0]!.goal, 'none');
  assert.equal(rows[0]!.bestIndex, -1);
  assert.equal(rows[0]!.cells[1]!.delta, undefined);
});

