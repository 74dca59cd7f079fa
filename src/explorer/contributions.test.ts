import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Commands } from '../core/commands';
import { ContextKeys, VIEW_ID } from './contributions';

interface Manifest {
  contributes: {
    commands: Array<{ command: string; title: string; icon?: string }>;
    menus: Record<string, Array<{ command: string; when?: string }>>;
    viewsWelcome: Array<{ view: string; contents: string; when?: string }>;
    views: Record<string, Array<{ id: string }>>;
  };
}

const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as Manifest;
const declared = new Map(manifest.contributes.commands.map((c) => [c.command, c]));

test('every explorer command is declared in package.json with a codicon', () => {
  for (const id of Object.values(Commands).filter((id) => id !== Commands.openRun && id !== Commands.compareRuns && id !== Commands.rerun && id !== Commands.compareWithParent)) {
    const c = declared.get(id);
    assert.ok(c, `${id} is not in contributes.commands`);
    assert.match(c.icon ?? '', /^\$\([a-z-]+\)$/, `${id} has no codicon`);
  }
});

test('run menus name only declared commands, and rerun is gated on workspace trust', () => {
  const items = manifest.contributes.menus['view/item/context']!;
  for (const item of items) assert.ok(declared.has(item.command), `${item.command} in a menu but not declared`);
  const rerun = items.filter((i) => i.command === Commands.rerun);
  assert.ok(rerun.length > 0);
  for (const item of rerun) assert.match(item.when ?? '', /isWorkspaceTrusted/);
});

test('the Runs view exists and its welcome offers the quickstart and the docs', () => {
  assert.ok(Object.values(manifest.contributes.views).flat().some((v) => v.id === VIEW_ID));
  const welcome = manifest.contributes.viewsWelcome.find((w) => w.view === VIEW_ID && w.when === `${ContextKeys.state} == empty`);
  assert.ok(welcome);
  assert.match(welcome.contents, /\(command:trackside\.copyLoggerQuickstart\)/);
  assert.match(welcome.contents, /\(command:trackside\.openDocumentation\)/);
});
