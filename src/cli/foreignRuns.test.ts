// `trackside ls/show --root DIR --json` reads every supported format found anywhere under DIR, each run with its
// source, status, params and metric summaries.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseWithFloats } from '../store';
import { tempRoot, writeLog } from '../../test/fixtures/logs';
import { simpleRun } from '../../test/fixtures/runs';
import { mlflowRun, writeExperiment } from '../../test/fixtures/mlflow';
import { simpleHistory, writeFinal } from '../../test/fixtures/huggingface';
import { CsvLoggerWriter } from '../../test/fixtures/lightning';
import { sacredRun } from '../../test/fixtures/sacred';
import { EXIT_OK, main } from './cli';

async function cli(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), env: {}, cwd: '/' });
  return { code, stdout, stderr };
}

interface RunJson {
  id: string;
  name: string;
  source: string;
  status: string;
  params: Record<string, unknown>;
  metrics: Record<string, { count: number; last: number; min: number; max: number }>;
}

test('ls --root DIR --json lists runs of every format under DIR with their source', async (t) => {
  const { root, cleanup } = tempRoot();
  t.after(cleanup);
  writeLog(root, 'native', simpleRun('native', 3, { status: 'finished' }));
  const mlruns = join(root, 'deep', 'project', 'mlruns');
  writeExperiment(mlruns, '0', 'Default');
  mlflowRun(mlruns, 'abc123', 3, { status: 'finished' });
  writeFinal(join(root, 'hf', 'out'), { globalStep: 3, logHistory: simpleHistory(3) });
  const pl = new CsvLoggerWriter(join(root, 'pl'), 'lightning_logs', 0, 'lr: 0.1\n');
  pl.log({ loss: 2 }, 0);
  pl.save();
  sacredRun(join(root, 'sacred'), '1', 3);
  const { code, stdout } = await cli(['ls', '--root', root, '--json']);
  assert.equal(code, EXIT_OK);
  const runs = parseWithFloats<RunJson[]>(stdout);
  assert.deepEqual(runs.map((r) => r.source).sort(), ['huggingface', 'lightning', 'mlflow', 'sacred', 'trackside']);
  const m = runs.find((r) => r.source === 'mlflow')!;
  assert.equal(m.status, 'finished');
  assert.deepEqual(m.params, { lr: 0.1, 'model.depth': 4, 'model.act': 'relu' });
  assert.deepEqual(m.metrics.loss, { last: 9, lastStep: 2, min: 9, max: 10, count: 3 });

  const show = await cli(['show', 'abc123', '--root', root, '--json', '--no-index']);
  assert.equal(show.code, EXIT_OK);
  assert.equal(parseWithFloats<RunJson>(show.stdout).source, 'mlflow');
  const human = await cli(['ls', '--root', root, '--no-index']);
  assert.match(human.stdout, /abc123/);
});
