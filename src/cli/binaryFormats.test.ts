// `trackside ls --root DIR --json` over TensorBoard and W&B runs written by the fixture writers (from the
// formats' public definitions), beside a Trackside run of the same data: each with its source, params and
// metrics (count, last, min, max).
import assert from 'node:assert/strict';
import { utimesSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseWithFloats } from '../store';
import { tempRoot, writeLog } from '../../test/fixtures/logs';
import { simpleRun } from '../../test/fixtures/runs';
import { tensorboardEvents, writeEventFile } from '../../test/fixtures/tensorboard';
import { writeWandbRun } from '../../test/fixtures/wandb';
import { EXIT_OK, main } from './cli';

interface Listed {
  name: string;
  source: string;
  status: string;
  params: Record<string, unknown>;
  metrics: Record<string, { count: number; last: number; min: number; max: number }>;
}

test('ls --json lists TensorBoard and W&B runs with source, params and metrics', async (t) => {
  const { root, cleanup } = tempRoot();
  t.after(cleanup);
  writeLog(root, 'native', simpleRun('native', 5, { status: 'finished' }));
  const old = new Date(Date.now() - 3600_000);
  utimesSync(writeEventFile(join(root, 'tb', 'run1'), tensorboardEvents(5)), old, old);
  writeWandbRun(root, 'wb1', { exitCode: 0 });
  let stdout = '';
  const code = await main(['ls', '--root', root, '--json'], { stdout: (s) => (stdout += s), stderr: () => undefined, env: {}, cwd: '/' });
  assert.equal(code, EXIT_OK);
  const runs = parseWithFloats<Listed[]>(stdout);
  const bySource = new Map(runs.map((r) => [r.source, r]));
  assert.deepEqual([...bySource.keys()].sort(), ['tensorboard', 'trackside', 'wandb']);
  for (const source of ['trackside', 'tensorboard', 'wandb']) {
    const run = bySource.get(source);
    assert.equal(run?.status, 'finished', source);
    assert.deepEqual(run?.metrics.loss, { count: 5, last: 8, lastStep: 4, min: 8, max: 10 }, source);
    assert.equal(run?.params.lr, 0.1, source);
  }
  assert.equal(bySource.get('tensorboard')?.name, 'tb/run1');
});
