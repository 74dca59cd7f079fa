import assert from 'node:assert/strict';
import { test } from 'node:test';
import { run } from '../../../test/fixtures/explorerRuns';
import { groupRuns, teamGroupName } from './group';

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
