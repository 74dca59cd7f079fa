import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runningTooltip } from './tooltip';

test('a run name stays one escaped, bounded list item', () => {
  const tip = runningTooltip(2, ['baseline\n- [fake](command:workbench.action.terminal.new)', 'x'.repeat(3_000_000)]);
  const items = tip.split('\n').filter((l) => l.startsWith('- '));
  assert.equal(items.length, 2, tip.slice(0, 500));
  assert.equal(items[0], '- baseline \\- \\[fake\\]\\(command\\:workbench\\.action\\.terminal\\.new\\)');
  assert.ok(items[1]!.length < 100);
  assert.ok(!tip.includes('](command:'));
  assert.match(runningTooltip(1, ['a']), /^\*\*1 Trackside run running\*\*/);
});

test('more than ten runs are summarised', () => {
  const tip = runningTooltip(12, Array.from({ length: 12 }, (_, i) => `run${i}`));
  assert.equal(tip.split('\n').filter((l) => l.startsWith('- ')).length, 11);
  assert.match(tip, /- …/);
});
