import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunDetail } from '../../store/types';
import { escapeMarkdown } from '../../core/text';
import { formatCount, codeSpan } from './rowText';
import { groupRuns } from './group';
import { artifactPath, artifactRows, environmentRows, metricRows, notesRows, paramRows, primaryText, projectRow, runRow, runSections, runTooltip } from './present';
import { runView } from '../../panels/runView';
import { bestRun, configuredPrimary, guessPrimary, primaryFor } from './primaryMetric';
import { DEFAULT_SORT, describeSort, parseSortSpec, sortRuns } from './sort';
import { metric, run, T0 } from '../../../test/fixtures/explorerRuns';

const ids = (runs: { id: string }[]): string[] => runs.map((r) => r.id);

test('sorting by start, name, duration, status, metric and param, both ways', () => {
  const runs = [
    run('a', { name: 'beta', startTime: T0, endTime: T0 + 5000, metrics: { loss: metric(0.5) }, params: { lr: 0.1 } }),
    run('b', { name: 'Alpha', startTime: T0 + 1000, endTime: T0 + 2000, metrics: { loss: metric(0.2) }, params: { lr: 'auto' } }),
    run('c', { name: 'gamma', startTime: T0 + 2000, status: 'failed', endTime: T0 + 100_000, metrics: { loss: metric(NaN) } }),
    run('d', { name: 'delta 10', startTime: T0 + 3000, params: { lr: 0.01 } }),
  ];
  assert.deepEqual(ids(sortRuns(runs, DEFAULT_SORT)), ['d', 'c', 'b', 'a']);
  assert.deepEqual(ids(sortRuns(runs, { key: { kind: 'start' }, descending: false })), ['a', 'b', 'c', 'd']);
  assert.deepEqual(ids(sortRuns(runs, { key: { kind: 'name' }, descending: false })), ['b', 'a', 'd', 'c']);
  assert.deepEqual(ids(sortRuns(runs, { key: { kind: 'duration' }, descending: true })), ['c', 'd', 'a', 'b']);
  assert.deepEqual(ids(sortRuns(runs, { key: { kind: 'status' }, descending: false })), ['c', 'd', 'b', 'a']);
  // Missing and NaN go last in both directions.
  assert.deepEqual(ids(sortRuns(runs, { key: { kind: 'metric', key: 'loss' }, descending: false })), ['b', 'a', 'd', 'c']);
  assert.deepEqual(ids(sortRuns(runs, { key: { kind: 'metric', key: 'loss' }, descending: true })), ['a', 'b', 'd', 'c']);
  // Numbers before text, missing last.
  assert.deepEqual(ids(sortRuns(runs, { key: { kind: 'param', key: 'lr' }, descending: false })), ['d', 'a', 'b', 'c']);
});

test('sorting 10,000 runs orders them all', () => {
  const many = Array.from({ length: 10_000 }, (_, i) => run(`r${i}`, { metrics: { loss: metric(Math.sin(i)) }, startTime: T0 + i }));
  const sorted = sortRuns(many, { key: { kind: 'metric', key: 'loss' }, descending: false });
  assert.equal(sorted.length, 10_000);
  for (let i = 1; i < sorted.length; i++) assert.ok(sorted[i - 1]!.metrics.loss!.last <= sorted[i]!.metrics.loss!.last);
});

test('sort specs round-trip through workspace state and reject junk', () => {
  assert.deepEqual(parseSortSpec({ key: { kind: 'metric', key: 'val/acc' }, descending: true }), { key: { kind: 'metric', key: 'val/acc' }, descending: true });
  assert.equal(parseSortSpec({ key: { kind: 'metric' }, descending: true }), undefined);
  assert.equal(parseSortSpec({ key: { kind: 'bogus' }, descending: true }), undefined);
  assert.equal(parseSortSpec('start'), undefined);
  assert.equal(describeSort({ key: { kind: 'param', key: 'lr' }, descending: false }), 'params.lr ↑');
});

test('grouping: projects, groups and child runs keep the sorted order', () => {
  const sorted = [
    run('p1', { project: 'cifar' }),
    run('s2', { project: 'mnist', group: 'sweep' }),
    run('m1', { project: 'mnist' }),
    run('kid', { project: 'mnist', parent: 'm1', group: 'sweep' }),
    run('s1', { project: 'mnist', group: 'sweep', status: 'running' }),
    run('orphan', { project: 'mnist', parent: 'gone' }),
  ];
  const tree = groupRuns(sorted);
  assert.deepEqual(tree.projects.map((p) => p.project), ['cifar', 'mnist']);
  const mnist = tree.projects[1]!;
  assert.deepEqual(mnist.groups.map((g) => [g.name, ids(g.runs)]), [['sweep', ['s2', 's1']]]);
  assert.deepEqual(ids(mnist.runs), ['m1', 'orphan']);
  assert.deepEqual(ids(tree.children.get('m1')!), ['kid']);
  assert.equal(mnist.count, 5);
  assert.equal(mnist.running, 1);
});

test('grouping survives runs that are each other\'s parent', () => {
  const tree = groupRuns([run('x', { parent: 'y' }), run('y', { parent: 'x' })]);
  const shown = new Set<string>();
  const visit = (rs: { id: string }[]): void => rs.forEach((r) => { shown.add(r.id); visit(tree.children.get(r.id) ?? []); });
  visit(tree.projects[0]!.runs);
  assert.deepEqual([...shown].sort(), ['x', 'y']);
});

test('primary metric: setting per project, then a guessed loss, then accuracy', () => {
  const setting = { mnist: { key: 'val/acc', goal: 'max' }, '*': 'val/loss' };
  assert.deepEqual(configuredPrimary(setting, 'mnist'), { key: 'val/acc', goal: 'max', configured: true });
  assert.deepEqual(configuredPrimary(setting, 'other'), { key: 'val/loss', goal: 'min', configured: true });
  assert.deepEqual(configuredPrimary('f1', 'x'), { key: 'f1', goal: 'max', configured: true });
  assert.equal(configuredPrimary({ mnist: { goal: 'min' } }, 'mnist'), undefined);
  assert.deepEqual(guessPrimary(['train/loss', 'val/acc', 'val/loss', 'system/gpu_loss']), { key: 'val/loss', goal: 'min', configured: false });
  assert.deepEqual(guessPrimary(['train/acc', 'lr']), { key: 'train/acc', goal: 'max', configured: false });
  assert.equal(guessPrimary(['lr', 'system/cpu']), undefined);
  assert.equal(primaryFor(undefined, 'p', [run('a', { metrics: { 'train/loss': metric(1) } })])!.key, 'train/loss');
});

test('the best run is the best finished one; running, failed, crashed and archived runs are measured against it', () => {
  const pm = { key: 'val/loss', goal: 'min' as const, configured: true };
  const runs = [
    run('a', { metrics: { 'val/loss': metric(0.8) } }),
    run('b', { metrics: { 'val/loss': metric(0.85) } }),
    run('c', { status: 'running', endTime: undefined, metrics: { 'val/loss': metric(0.75) } }),
    run('d', { metrics: { 'val/loss': metric(NaN) } }),
    run('e', { archived: true, metrics: { 'val/loss': metric(0.1) } }),
    run('f', { status: 'failed', metrics: { 'val/loss': metric(0.05) } }),
    run('g', { status: 'crashed', metrics: { 'val/loss': metric(0.05) } }),
  ];
  const best = bestRun(runs, pm)!;
  assert.deepEqual(best, { runId: 'a', value: 0.8 });
  const ctx = { now: T0, primary: pm, best };
  assert.equal(primaryText(runs[0]!, ctx), '0.8 · best');
  assert.equal(primaryText(runs[1]!, ctx), '0.85 · +0.05 vs best');
  assert.equal(primaryText(runs[2]!, ctx), '0.75 · better than the best so far, 0.8');
  assert.equal(primaryText(runs[3]!, ctx), 'NaN');
  assert.equal(primaryText(runs[5]!, ctx), '0.05 · -0.75 vs best', 'a failed run is not "better than the best"');
});

test('run rows: status icon, live elapsed time and step, context flags', () => {
  const live = run('live', { status: 'running', endTime: undefined, startTime: T0, lastStep: 1234, starred: true, metrics: { loss: metric(0.5) } });
  const row = runRow(live, { now: T0 + 192_000, primary: { key: 'loss', goal: 'min', configured: false } });
  assert.equal(row.icon!.id, 'sync~spin');
  assert.equal(row.description, '★ · 3m 12s · step 1,234 · 0.5');
  assert.equal(row.contextValue, 'run running starred unarchived');
  assert.equal(row.id, 'run:live');
  assert.equal(row.copyText, 'live');
  const later = runRow(live, { now: T0 + 193_000 });
  assert.match(later.description!, /3m 13s/);

  const failed = runRow(run('f', { status: 'failed', error: { type: 'ValueError', message: 'bad' }, archived: true, parent: 'p' }), { now: T0 });
  assert.deepEqual([failed.icon!.id, failed.description, failed.contextValue], ['error', 'ValueError · archived', 'run failed unstarred archived child']);
  assert.equal(runRow(run('k', { status: 'crashed' }), { now: T0 }).icon!.id, 'warning');
  assert.equal(runRow(run('k', { status: 'killed' }), { now: T0 }).icon!.id, 'circle-slash');
  assert.equal(runRow(run('k'), { now: T0 }).icon!.color, 'testing.iconPassed');
});

test('a run listed from its header says its metrics are still being read, in its row and its tooltip', () => {
  const early = run('h', { status: 'running', startTime: T0, lastStep: undefined, provisional: true });
  assert.equal(runRow(early, { now: T0 + 5_000 }).description, '5s · reading…');
  assert.match(runTooltip(early, { now: T0 + 5_000 }), /Metrics still being read/);
  const read = run('h', { status: 'running', startTime: T0, lastStep: undefined });
  assert.equal(runRow(read, { now: T0 + 5_000 }).description, '5s');
  assert.doesNotMatch(runTooltip(read, { now: T0 + 5_000 }), /still being read/);
});

test('hostile names and values are text, never markup, in labels and tooltips', () => {
  const evil = '<img src=x onerror=alert(1)>';
  const hostile = run('x', { name: evil, params: { '[click](command:workbench.action.terminal.new)': '**bold**' }, notes: '<script>alert(1)</script>', tags: ['`tick`'] });
  const row = runRow(hostile, { now: T0 });
  const tooltip = runTooltip(hostile, { now: T0 });
  assert.equal(row.label, evil);
  assert.ok(!tooltip.includes('<img'), tooltip);
  assert.ok(tooltip.includes('&lt;img src=x onerror=alert\\(1\\)&gt;'), tooltip);
  assert.ok(!tooltip.includes('<script>'));
  assert.ok(!tooltip.includes('](command:'));
  assert.ok(!tooltip.includes(' **bold**'));
  assert.match(tooltip, /\\\*\\\*bold\\\*\\\*/);
  assert.equal(escapeMarkdown('a|b'), 'a\\|b');
  assert.equal(codeSpan('a`b'), '``a`b``');
  const long = runRow(run('y', { name: 'n'.repeat(10_000) }), { now: T0 });
  assert.ok(long.label.length <= 200);
});

test('formatting numbers and durations', () => {
  assert.deepEqual([0, 999, 1000, 1234567, -12345].map(formatCount), ['0', '999', '1,000', '1,234,567', '-12,345']);
});

function detail(over: Partial<RunDetail> = {}): RunDetail {
  return { ...run('d1'), argv: ['train.py', '--lr', '0.1'], cwd: '/ws', env: {}, artifacts: [], overrides: {}, ...over };
}

test('project rows and run sections', () => {
  const tree = groupRuns([run('a'), run('b', { status: 'running' })]);
  const row = projectRow(tree.projects[0]!, { key: 'val/loss', goal: 'min', configured: false });
  assert.equal(row.description, '2 runs · 1 running · val/loss ↓');
  assert.match(row.tooltip!, /guessed/);
  const sections = runSections(detail({ artifacts: [{ path: 'a.png', time: 0 }], error: { type: 'OOM' }, tags: ['x'] }), 2);
  assert.deepEqual(sections.map((s) => s.label), ['Error', 'Child Runs', 'Params', 'Metrics', 'Artifacts', 'Environment', 'Notes and Tags']);
  assert.equal(sections[6]!.description, '1 tag');
  assert.deepEqual(runSections(detail(), 0).map((s) => s.label), ['Params', 'Metrics', 'Environment', 'Notes and Tags']);
});

test('metric rows show last, best for the primary metric, and count', () => {
  const rows = metricRows(detail({ metrics: { 'val/loss': metric(0.3, { min: 0.25, max: 2 }), 'system/cpu': metric(50), acc: metric(0.9, { min: 0.1, max: 0.91, count: 1 }) } }), { key: 'val/loss', goal: 'min', configured: true });
  assert.deepEqual(rows.map((r) => [r.label, r.description]), [
    ['acc', 'last 0.9 · min 0.1 · max 0.91 · 1 pt'],
    ['val/loss', 'last 0.3 · best 0.25 · 101 pts'],
    ['system/cpu', 'last 50 · min 50 · max 50 · 101 pts'],
  ]);
  assert.deepEqual(rows[0]!.action, { kind: 'command', command: 'trackside.openRun', title: 'Open Run', args: ['d1'] });
});

test('artifacts open inside the run folder only', () => {
  assert.equal(artifactPath('/r/run1', 'artifacts/a.png'), '/r/run1/artifacts/a.png');
  assert.equal(artifactPath('/r/run1/', './x/../y'), undefined);
  assert.equal(artifactPath('/r/run1', '/etc/passwd'), undefined);
  const rows = artifactRows(detail({ dir: '/r/d1', artifacts: [{ path: 'artifacts/plot.png', kind: 'image', size: 2048, time: 0 }, { path: '../../secret', time: 0 }] }));
  assert.deepEqual(rows[0]!.action, { kind: 'openFile', path: '/r/d1/artifacts/plot.png', root: '/r/d1', relative: 'artifacts/plot.png' });
  assert.equal(rows[0]!.icon!.id, 'file-media');
  assert.equal(rows[0]!.description, 'image · 2.0 KB');
  assert.equal(rows[1]!.action, undefined);
});

test('environment rows: commit, recorded diff, python, packages, host, seed', () => {
  const rows = environmentRows(detail({
    dir: '/r/d1',
    env: { git: { commit: 'abcdef1234567890', branch: 'main', dirty: true, diffArtifact: 'artifacts/git.diff' }, python: { version: '3.11.4', executable: '/usr/bin/python3' }, packages: { torch: '2.3.0', numpy: '1.26' }, hostname: 'gpu-box', seed: 0 },
  }));
  const byLabel = new Map(rows.map((r) => [r.label, r]));
  assert.equal(byLabel.get('Commit abcdef1234')!.description, 'main · dirty');
  assert.deepEqual(byLabel.get('Open Recorded Diff')!.action, { kind: 'openFile', path: '/r/d1/artifacts/git.diff', root: '/r/d1', relative: 'artifacts/git.diff' });
  assert.equal(byLabel.get('Python 3.11.4')!.description, '/usr/bin/python3');
  assert.equal(byLabel.get('Packages')!.description, '2');
  assert.equal(byLabel.get('Packages')!.collapsible, 'collapsed');
  assert.equal(byLabel.get('Seed')!.description, '0');
  assert.equal(byLabel.get('Command')!.description, 'train.py --lr 0.1');
});

test('the copied command runs the logged argv, never a command hidden in an argument', () => {
  const command = (argv: string[]) => environmentRows(detail({ argv })).find((r) => r.label === 'Command')!;
  const row = command(['train.py', '--name', '$(curl x|sh)', "it's; rm -rf ~"]);
  assert.equal(row.copyText, `train.py --name '$(curl x|sh)' 'it'\\''s; rm -rf ~'`);
  assert.equal(row.description, row.copyText);
  assert.equal(command(['train.py', 'a\nb']).copyText, "train.py $'a\\nb'");
  // No shell can pass a NUL: nothing to copy rather than a line that runs something else.
  assert.equal(command(['train.py', 'a\u0000b']).copyText, undefined);
});

test('notes and tags rows offer editing when empty', () => {
  assert.deepEqual(notesRows(run('n')).map((r) => r.label), ['Add tags…', 'Add notes…']);
  const rows = notesRows(run('n', { tags: ['baseline'], notes: 'line one\nline two' }));
  assert.deepEqual(rows.map((r) => r.label), ['baseline', 'line one line two']);
  assert.equal(rows[1]!.action!.kind, 'command');
});

test('integers beyond 2^53 show their exact digits in param rows, tooltips and the seed, not the rounded double', () => {
  const big = '18446744073709551617';
  const d = detail({
    params: { seed: 18446744073709551616, lr: 0.1, other: 18446744073709551616 },
    overrides: { seed: 18446744073709551616 },
    env: { seed: 18446744073709551616 },
    exactInts: { params: { seed: big }, overrides: { seed: big }, seed: `-${big}` },
  });
  const rows = new Map(paramRows(d).map((r) => [r.label, r]));
  assert.equal(rows.get('seed')!.description, `${big} (override)`);
  assert.equal(rows.get('seed')!.copyText, `seed=${big}`);
  assert.ok(rows.get('seed')!.tooltip!.includes(big));
  assert.equal(rows.get('other')!.description, '1.845e+19', 'a bare big integer from another writer keeps its double');
  assert.equal(rows.get('lr')!.description, '0.1');
  assert.ok(runTooltip(d, { now: T0 }).includes(`| seed | ${big} |`));
  const seed = environmentRows(d).find((r) => r.label === 'Seed')!;
  assert.equal(seed.description, `-${big}`);
  assert.equal(seed.copyText, `-${big}`);
});

test('the Command row shows and copies the line the dashboard header shows, executable first', () => {
  const command = (d: RunDetail) => environmentRows(d).find((r) => r.label === 'Command')!;
  const d = detail({ executable: '/usr/bin/python3', argv: ['train.py', '--name', 'a b'] });
  assert.equal(command(d).description, `/usr/bin/python3 train.py --name 'a b'`);
  assert.equal(command(d).copyText, command(d).description);
  assert.equal(runView(d, 'red').command, command(d).description);
  // A NUL: both show the same harmless comment; the Runs view offers nothing to copy.
  const nul = detail({ executable: 'python', argv: ['a\u0000b'] });
  assert.equal(command(nul).description, runView(nul, 'red').command);
  assert.match(command(nul).description!, /^# not runnable/);
  assert.equal(command(nul).copyText, undefined);
});

test("a run another tool wrote carries its source's badge first in its row, and a flag for menus", () => {
  const row = runRow({ ...run('m', { starred: true }), source: 'mlflow', readOnly: true }, { now: T0 });
  assert.equal(row.description, 'MLflow · ★');
  assert.match(row.contextValue!, / foreign$/);
  assert.equal(runRow({ ...run('t'), source: 'trackside' }, { now: T0 }).description, '');
  assert.equal(runRow({ ...run('x'), source: 'newtool\nline' }, { now: T0 }).description, 'newtool line');
});

test("the tooltip of another tool's run says which tool wrote it, where, and where its edits go", () => {
  const ctx = { now: T0 };
  const tip = runTooltip({ ...run('m'), source: 'mlflow', readOnly: true, dir: '/ws/mlruns/0/m', editsDir: '/ws/.trackside/foreign/mlflow/m' }, ctx);
  assert.match(tip, /Written by MLflow, read in place from `\/ws\/mlruns\/0\/m`\. Renames, tags, notes and stars are kept by Trackside; Delete only hides it\./);
  assert.match(runTooltip({ ...run('s'), source: 'sacred', readOnly: true }, ctx), /Read-only: no run folder to keep edits in\./);
  assert.doesNotMatch(runTooltip(run('own'), ctx), /Written by/);
});
