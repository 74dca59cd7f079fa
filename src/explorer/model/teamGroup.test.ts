import assert from 'node:assert/strict';
import { test } from 'node:test';
import { run } from '../../../test/fixtures/explorerRuns';
import { formatTime } from '../../shared/format';
import { groupRuns, teamGroupName } from './group';
import { runRow, runTooltip } from './present';

test('teammates’ runs sit in a Team group per author and host, beside the project’s own runs and groups', () => {
  const runs = [
    run('mine-1'),
    run('ada-1', { author: 'Ada', authorHost: 'gpu7', readOnly: true, group: 'sweep-a' }),
    run('mine-2', { group: 'sweep-a' }),
    run('ada-2', { author: 'Ada', authorHost: 'gpu7', readOnly: true }),
    run('bob-1', { author: 'Bob', readOnly: true }),
  ];
  const tree = groupRuns(runs);
  const [mnist] = tree.projects;
  assert.deepEqual(mnist.runs.map((r) => r.id), ['mine-1']);
  assert.deepEqual(
    mnist.groups.map((g) => [g.name, g.runs.map((r) => r.id)]),
    [
      ['Team · Ada (gpu7)', ['ada-1', 'ada-2']],
      ['sweep-a', ['mine-2']],
      ['Team · Bob', ['bob-1']],
    ],
  );
  assert.equal(mnist.count, 5);
  assert.equal(teamGroupName(runs[1]), 'Team · Ada (gpu7)');
});

test('a teammate’s run fetched while running shows "as of" when it was shared, and its duration stops there', () => {
  const t0 = Date.UTC(2026, 0, 10, 12, 0, 0);
  const shared = run('ada-live', { author: 'Ada', readOnly: true, status: 'running', startTime: t0, lastUpdate: t0 + 60_000, sharedAt: t0 + 90_000, source: 'team' });
  const row = runRow(shared, { now: t0 + 86_400_000 });
  assert.match(row.description ?? '', new RegExp(`as of ${formatTime(t0 + 90_000)}`));
  assert.match(row.description ?? '', /· 1m 30s/, 'running for the time until it was shared, not until now');
  assert.match(runTooltip(shared, { now: t0 + 86_400_000 }), /when it was shared \\\(a fetched run is not followed live\\\)/);
  const crashed = runRow(run('ada-dead', { author: 'Ada', readOnly: true, status: 'crashed', source: 'team' }), { now: t0 });
  assert.match(crashed.description ?? '', /crashed/);
  assert.doesNotMatch(crashed.description ?? '', /as of/);
});
