import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeMarkdown, markdownLine, oneLine, plainText, withoutIcons } from './text';

test('log text cannot become a link or span lines in a notification', () => {
  assert.equal(plainText('[click](command:workbench.action.terminal.sendSequence)\nnext'), '⟦click⟧(command:workbench.action.terminal.sendSequence) next');
  assert.equal(plainText('x'.repeat(10), 5), 'xxxx…');
  assert.equal(oneLine('  a\r\n\tb  '), 'a b');
});

test('Markdown escaping keeps every character literal', () => {
  assert.equal(escapeMarkdown('a|b'), 'a\\|b');
  assert.equal(escapeMarkdown('[x](command:y)'), '\\[x\\]\\(command\\:y\\)');
  assert.equal(escapeMarkdown('<img>'), '&lt;img&gt;');
  assert.equal(escapeMarkdown('$(zap)'), '\\$\\(zap\\)');
});

test('a Markdown line is one line and bounded, whatever the name holds', () => {
  assert.equal(markdownLine('a\n- [x](command:y)'), 'a \\- \\[x\\]\\(command\\:y\\)');
  const huge = markdownLine('n'.repeat(5_000_000), 80);
  assert.equal(huge, `${'n'.repeat(79)}…`);
});

test('labels cannot draw codicons', () => {
  const label = withoutIcons('run $(zap) $(sync~spin)');
  assert.doesNotMatch(label, /\$\(/);
  assert.equal(label.replace(/\u2060/g, ''), 'run $(zap) $(sync~spin)');
});
