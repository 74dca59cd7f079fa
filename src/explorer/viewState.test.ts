import { test } from 'node:test';
import assert from 'node:assert/strict';
import type * as vscode from 'vscode';
import { ViewState } from './viewState';

/** An in-memory Memento, as workspaceState would be. */
class MemoryMemento implements vscode.Memento {
  private readonly data = new Map<string, unknown>();
  keys(): readonly string[] {
    return [...this.data.keys()];
  }
  get<T>(key: string, fallback?: T): T | undefined {
    return this.data.has(key) ? (structuredClone(this.data.get(key)) as T) : fallback;
  }
  update(key: string, value: unknown): Thenable<void> {
    this.data.set(key, structuredClone(value));
    return Promise.resolve();
  }
}

test('filter, sort and the archive toggle are remembered per workspace', async () => {
  const memento = new MemoryMemento();
  const first = new ViewState(memento);
  assert.equal(first.filter, '');
  assert.deepEqual(first.sort, { key: { kind: 'start' }, descending: true });
  assert.equal(first.showArchived, undefined);
  first.filter = 'tag:baseline and params.lr < 1e-3';
  first.sort = { key: { kind: 'metric', key: 'val/loss' }, descending: false };
  first.showArchived = true;
  await first.save();
  const again = new ViewState(memento);
  assert.equal(again.filter, 'tag:baseline and params.lr < 1e-3');
  assert.deepEqual(again.sort, { key: { kind: 'metric', key: 'val/loss' }, descending: false });
  assert.equal(again.showArchived, true);
});

test('a stored filter that no longer parses, or a malformed sort, falls back to the defaults', async () => {
  const memento = new MemoryMemento();
  await memento.update('trackside.explorer.view', { filter: 'params.lr <', sort: { key: { kind: 'nope' }, descending: 1 }, showArchived: 'yes' });
  const state = new ViewState(memento);
  assert.equal(state.filter, '');
  assert.deepEqual(state.sort, { key: { kind: 'start' }, descending: true });
  assert.equal(state.showArchived, undefined);
});
