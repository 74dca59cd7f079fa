import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunDetail, RunSummary } from '../../store/types';
import { run, T0 } from '../../../test/fixtures/explorerRuns';
import { runRow, runSections, runTooltip, STATUS_ICONS } from './present';
import { rankRows } from './ranks';

type Rank = NonNullable<RunSummary['ranks']>[number];
const rank = (r: number, host: string, over: Partial<Rank> = {}): Rank => ({ rank: r, host, pid: 100 + r, status: 'running', lastStep: 500, lastTs: T0, stepRate: 10, ...over });

const job = run('job', {
  status: 'crashed',
  hosts: ['node-a', 'node-b'],
  crashedRank: { rank: 2, host: 'node-b' },
  ranks: [rank(0, 'node-a', { status: 'finished' }), rank(1, 'node-a', { status: 'finished', stepRate: 9 }), rank(2, 'node-b', { status: 'crashed', stepRate: 3, lastStep: 310, error: 'killed by SIGKILL' })],
});

function detail(r: RunSummary): RunDetail {
  return { ...r, argv: [], env: {}, artifacts: [], overrides: {} };
}

test('a multi-rank run is one row saying how many ranks, and which rank on which host crashed', () => {
  const row = runRow(job, { now: T0 + 120_000 });
  assert.equal(row.description, 'rank 2 on node-b crashed · 3 ranks on 2 hosts');
  assert.equal(row.icon!.id, 'warning');
  const tooltip = runTooltip(job, { now: T0 + 120_000 });
  assert.match(tooltip, /\*\*Rank 2 on node\\-b crashed\*\*/);
  assert.match(tooltip, /3 ranks on node\\-a, node\\-b/);
  assert.match(tooltip, /\| 2 \| node\\-b \| crashed \| 310 \| 3\\\.00 steps/);
  // Single-process runs are unchanged.
  assert.equal(runRow(run('solo', { status: 'crashed' }), { now: T0 }).description, 'crashed');
  assert.equal(runSections(detail(run('solo')), 0).some((r) => r.contextValue === 'section ranks'), false);
});

test('the Ranks section lists every rank with host, status icon, last step and step rate', () => {
  const section = runSections(detail(job), 0)[0]!;
  assert.deepEqual([section.label, section.description, section.collapsible, section.contextValue], ['Ranks', '3 on node-a, node-b', 'expanded', 'section ranks']);
  const live = run('live', { status: 'running', ranks: [rank(0, 'node-a'), rank(1, 'node-a', { stepRate: 9.5 }), rank(2, 'node-b', { stepRate: 2.5 })] });
  const rows = rankRows(live, STATUS_ICONS);
  assert.deepEqual(rows.map((r) => r.label), ['rank 0', 'rank 1', 'rank 2']);
  assert.deepEqual(rows.map((r) => r.description), ['node-a · step 500 · 10.0 steps/s', 'node-a · step 500 · 9.50 steps/s', 'node-b · step 500 · 2.50 steps/s · slowest']);
  assert.deepEqual(rows.map((r) => r.icon!.id), ['sync~spin', 'sync~spin', 'sync~spin']);
  const crashed = rankRows(job, STATUS_ICONS);
  assert.deepEqual(crashed.map((r) => r.icon!.id), ['pass', 'pass', 'warning']);
  assert.equal(crashed[2]!.description, 'node-b · step 310 · 3.00 steps/s · crashed');
  assert.equal(crashed[1]!.description, 'node-a · step 500 · 9.00 steps/s · finished');
  assert.match(crashed[2]!.tooltip!, /this rank made the run crash/);
  assert.match(crashed[2]!.tooltip!, /killed by SIGKILL/);
});

test('host names and rank errors from logs stay text', () => {
  const evil = '<img src=x onerror=alert(1)>[x](command:workbench.action.terminal.new)';
  const hostile = run('h', { status: 'crashed', crashedRank: { rank: 1, host: evil }, ranks: [rank(0, 'ok'), rank(1, evil, { error: '**boom**\n<script>' })] });
  const tooltip = runTooltip(hostile, { now: T0 });
  const rows = rankRows(hostile, STATUS_ICONS);
  for (const md of [tooltip, rows[1]!.tooltip!]) {
    assert.ok(!md.includes('<img'), md);
    assert.ok(!md.includes('<script>'), md);
    assert.ok(!md.includes('](command:'), md);
  }
  assert.ok(!rows[1]!.tooltip!.includes(' **boom**'));
  const long = run('l', { ranks: [rank(0, 'h'.repeat(5000)), rank(1, 'x')] });
  assert.ok(rankRows(long, STATUS_ICONS)[0]!.description!.length < 200);
});
