// Trackside's reader through the source seam: its cursor (committed with each part, persisted by the index)
// resumes exactly where the last read stopped, and tells a grown log from a replaced or truncated one.
import assert from 'node:assert/strict';
import { statSync, truncateSync } from 'node:fs';
import { test } from 'node:test';
import type { ParsedPart } from '../../ingest/runParser';
import { newFileState, newRunState, type FileState, type RunState } from '../../ingest/runState';
import { appendLog, tempRoot, writeLog } from '../../../../test/fixtures/logs';
import { start, T0 } from '../../../../test/fixtures/records';
import { simpleRun } from '../../../../test/fixtures/runs';
import type { FoundRun, RunReader } from '../runSource';
import { tracksideSource } from './source';

function fixture(t: { after: (fn: () => void) => void }) {
  const r = tempRoot();
  t.after(r.cleanup);
  return r.root;
}

const metrics = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => JSON.stringify({ t: 'metrics', ts: T0 + from + i, step: from + i, values: { loss: from + i } })).join('\n') + '\n';

async function openRun(run: FoundRun, fromStart: boolean): Promise<RunReader> {
  const reader = await tracksideSource.open(run, { stat: statSync(run.log), fromStart, sealTarget: () => undefined }, []);
  assert.ok(reader !== undefined);
  return reader;
}

/** Reads from `from` on; returns the steps read and the state and cursor committed last, as the index keeps them. */
async function readFrom(reader: RunReader, state: RunState, file: FileState): Promise<{ steps: number[]; state: RunState; file: FileState }> {
  await reader.stamp(file);
  const steps: number[] = [];
  let last: ParsedPart | undefined;
  await reader.read({ state, file, flushPoints: 1 << 20 }, async (part) => {
    for (const c of part.columns) steps.push(...c.steps.subarray(0, c.length));
    last = structuredClone(part);
  }, () => false);
  await reader.close();
  assert.ok(last !== undefined && last.complete);
  return { steps, state: last.state, file: last.file };
}

test('the cursor resumes exactly where the last read stopped, leaving a partial line for the next', async (t) => {
  const root = fixture(t);
  writeLog(root, 'r1', [start({ id: 'r1' })]);
  appendLog(root, 'r1', metrics(0, 5));
  const [run] = await tracksideSource.discover([root], []);
  assert.equal(run.id, 'r1');
  let reader = await openRun(run, true);
  const first = await readFrom(reader, newRunState('r1', root, run.dir), newFileState(run.log));
  assert.deepEqual(first.steps, [0, 1, 2, 3, 4]);
  assert.equal(first.file.offset, statSync(run.log).size);

  appendLog(root, 'r1', metrics(5, 8) + '{"t":"metrics","ts":1,"step":8,"val');
  reader = await openRun(run, false);
  assert.equal(await reader.resumes(first.file), true);
  const second = await readFrom(reader, first.state, first.file);
  assert.deepEqual(second.steps, [5, 6, 7]);
  assert.equal(second.file.lines, 9);
  assert.equal(second.state.problems.count, 0);

  appendLog(root, 'r1', 'ues":{"loss":8}}\n');
  reader = await openRun(run, false);
  assert.equal(await reader.resumes(second.file), true);
  const third = await readFrom(reader, second.state, second.file);
  assert.deepEqual(third.steps, [8]);
  assert.equal(third.file.offset, statSync(run.log).size);
});

test('a replaced or truncated log does not resume from its old cursor', async (t) => {
  const root = fixture(t);
  writeLog(root, 'r1', simpleRun('r1', 4));
  const [run] = await tracksideSource.discover([root], []);
  const read = await readFrom(await openRun(run, true), newRunState('r1', root, run.dir), newFileState(run.log));

  writeLog(root, 'r1', simpleRun('r1', 6, { lr: 0.2, start: { name: 'other' } }));
  let reader = await openRun(run, false);
  assert.equal(await reader.resumes(read.file), false);
  await reader.close();

  writeLog(root, 'r1', simpleRun('r1', 4));
  truncateSync(run.log, read.file.offset - 10);
  reader = await openRun(run, false);
  assert.equal(await reader.resumes(read.file), false);
  await reader.close();
});

test('a run that cannot be opened is reported, not thrown', async (t) => {
  const root = fixture(t);
  writeLog(root, 'r1', simpleRun('r1', 1));
  const [run] = await tracksideSource.discover([root], []);
  const general: Array<{ file: string; reason: string }> = [];
  const stat = statSync(run.log);
  const reader = await tracksideSource.open({ ...run, log: `${run.log}.missing` }, { stat, fromStart: true, sealTarget: () => undefined }, general);
  assert.equal(reader, undefined);
  assert.match(general[0].reason, /cannot read the log/);
});
