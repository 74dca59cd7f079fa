// Pause and resume through the pause file, against the real controller, real Python trials and the real logger.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sweepWorkspace } from '../../test/fixtures/sweepWorkspace';
import { runSweep } from './controller';
import { phaseOf, sweepProgress } from './progress';
import { readRecord, readTrials, sweepDir } from './state';
import { controllerAlive } from './controller';
import { pauseSweep } from './stop';

const GRID = `program: train.py
method: grid
metric: {name: loss, goal: minimize}
parameters:
  layers: {values: [1, 2, 3, 4]}
  sleep: {value: 0.25}
concurrency: 1
`;

async function until(what: string, check: () => Promise<boolean>, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('pause: no new trial launches while paused, the running one ends normally; resume goes on to the end', async (t) => {
  const ws = sweepWorkspace();
  t.after(ws.cleanup);
  const file = ws.sweepFile('p.sweep.yaml', GRID);
  let id = '';
  const lines: string[] = [];
  const done = runSweep({ file, root: ws.root, env: ws.env, pollMs: 100, onStart: (i) => (id = i), log: (l) => lines.push(l) });
  await until('the first trial', async () => id !== '' && (await readTrials(sweepDir(ws.root, id))).trials.size === 1);
  assert.deepEqual(await pauseSweep(ws.root, id, true), { controller: true });
  const dir = sweepDir(ws.root, id);
  await until('the first trial to end', async () => [...(await readTrials(dir)).trials.values()].some((tr) => tr.outcome !== undefined));
  await new Promise((r) => setTimeout(r, 1000));
  const paused = await readTrials(dir);
  assert.equal(paused.trials.size, 1, `nothing launched while paused: ${lines.join('\n')}`);
  assert.equal([...paused.trials.values()][0].outcome, 'finished');
  const record = (await readRecord(dir))!;
  assert.equal(phaseOf(record, controllerAlive(record)), 'paused');
  assert.equal(sweepProgress(record, paused.trials.values()).done, 1);

  await pauseSweep(ws.root, id, false);
  const result = await done;
  assert.deepEqual([result.status, result.trials, result.launched], ['finished', 4, 4]);
  assert.ok(lines.some((l) => /paused; 1 running trial\(s\) go on/.test(l)) && lines.some((l) => /resumed/.test(l)), lines.join('\n'));
  const end = (await readRecord(dir))!;
  assert.equal(end.paused, undefined);
  assert.equal(end.total, 4, 'the grid size is the sweep\'s total');
});
