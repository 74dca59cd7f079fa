import { test } from 'node:test';
import assert from 'node:assert/strict';
import { plainText } from './text';

test('log text cannot become a link or span lines in a notification', () => {
  assert.equal(plainText('[click](command:workbench.action.terminal.sendSequence)\nnext'), '⟦click⟧(command:workbench.action.terminal.sendSequence) next');
  assert.equal(plainText('x'.repeat(10), 5), 'xxxx…');
});
