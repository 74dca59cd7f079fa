import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { NewRunWatcher } from './newRuns';

type Seen = Array<[string, string | undefined]>;

/**
 * Waits (at most 5 s, then fails saying what was seen) until the reports from index `from` on hold one matching
 * `want`. It reads `seen` afresh each time: reports keep arriving while it waits.
 */
async function until(
  seen: Seen,
  want: (e: [string, string | undefined]) => boolean,
  what: string,
  from = 0,
): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (seen.slice(from).some(want)) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`never saw ${what}; saw ${JSON.stringify(seen.slice(from))}`);
}

test('a new run folder, and the log created inside it just after, are each reported with the run id', async (t) => {
  const root = await mkdtemp(path.join(tmpdir(), 'newruns-'));
  await mkdir(path.join(root, 'runs'));
  const seen: Seen = [];
  const watcher = new NewRunWatcher((r, id) => seen.push([r, id]));
  t.after(async () => {
    watcher.dispose();
    await rm(root, { recursive: true, force: true });
  });
  watcher.watch([root]);
  assert.equal(watcher.size, 1);
  await mkdir(path.join(root, 'runs', 'run-a'));
  await until(seen, ([r, id]) => r === root && id === 'run-a', 'the new folder run-a');
  // Once the folder is known it is watched itself: its log appearing is a second event for the same run.
  await new Promise((r) => setTimeout(r, 50));
  const before = seen.length;
  await writeFile(path.join(root, 'runs', 'run-a', 'events.jsonl'), '{"type":"start"}\n');
  await until(seen, ([, id]) => id === 'run-a', 'the log created in run-a', before);
  assert.ok(seen.every(([r, id]) => r === root && (id === 'run-a' || id === undefined)), JSON.stringify(seen));
});

test('a root without runs/ yet is watched for it, then its runs are reported; a removed run asks for the whole root', async (t) => {
  const root = await mkdtemp(path.join(tmpdir(), 'newruns-'));
  const seen: Seen = [];
  const watcher = new NewRunWatcher((r, id) => seen.push([r, id]));
  t.after(async () => {
    watcher.dispose();
    await rm(root, { recursive: true, force: true });
  });
  watcher.watch([root]);
  await mkdir(path.join(root, 'runs'));
  await until(seen, ([, id]) => id === undefined, 'the whole root, once runs/ appeared');
  await new Promise((r) => setTimeout(r, 50));
  await mkdir(path.join(root, 'runs', 'first'));
  await until(seen, ([, id]) => id === 'first', 'the first run of a new workspace');
  const before = seen.length;
  await rm(path.join(root, 'runs', 'first'), { recursive: true });
  await until(seen, ([, id]) => id === undefined, 'the whole root after a removal', before);
});

test('missing roots are skipped without throwing, and dispose stops every report', async () => {
  const root = await mkdtemp(path.join(tmpdir(), 'newruns-'));
  await mkdir(path.join(root, 'runs'));
  const seen: Seen = [];
  const watcher = new NewRunWatcher((r, id) => seen.push([r, id]));
  watcher.watch([path.join(root, 'no', 'such', 'folder'), root]);
  assert.equal(watcher.size, 1);
  watcher.dispose();
  assert.equal(watcher.size, 0);
  await mkdir(path.join(root, 'runs', 'late'));
  await new Promise((r) => setTimeout(r, 200));
  assert.deepEqual(seen, []);
  await rm(root, { recursive: true, force: true });
});
