import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Commands } from './commands';

const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { contributes: { commands: Array<{ command: string }> } };

test('every command id is contributed in package.json, and every contributed command has an id here', () => {
  const contributed = manifest.contributes.commands.map((c) => c.command).sort();
  const ids = Object.values(Commands).sort();
  assert.equal(new Set(ids).size, ids.length, 'no id is listed twice');
  assert.deepEqual(ids, contributed);
});
