// The shared record builder (test/fixtures/records.ts) writes, byte for byte, the lines the Python logger writes
// for the same run: field order, $float and $int spellings. Only what the machine decides (times, paths, hashes)
// is taken from the logger's own lines.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOG_FILE } from '../../src/store';
import { artifact, encodeLine, jsonNumber, metrics, params, start, status, summary, type LogRecord } from '../fixtures/records';
import { prng } from '../fixtures/prng';
import { loggerEnv, runPython } from './pythonLogger';

const SCRIPT = `
import trackside
run = trackside.init(project="fx", name="fx-1", config={"lr": 0.001, "big": 2**64 + 1, "bad": float("nan"), "model": {"depth": 4}},
                     tags=["a", "b"], notes="n", group="g", capture_env=False, system_metrics=False)
run.log({"loss": 1.5, "acc": float("inf"), "gone": float("nan"), "low": float("-inf")}, step=3)
run.summary["tokens"] = -(2**60)
run.log_artifact("weights.bin", kind="model")
run.finish()
`;

let dir: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trackside-fixtures-'));
});

after(async () => {
  await rm(dir, { recursive: true, force: true });
});

test('records built by the fixtures are the lines the Python logger writes', async () => {
  const root = join(dir, 'root');
  await writeFile(join(dir, 'weights.bin'), 'w');
  await runPython(SCRIPT, [], dir, loggerEnv(root));
  const [id] = await readdir(join(root, 'runs'));
  const lines = (await readFile(join(root, 'runs', id, LOG_FILE), 'utf8')).split('\n').slice(0, -1);
  const logged = lines.map((l) => JSON.parse(l) as Record<string, never>);
  const built: LogRecord[] = [
    start({ id, ts: logged[0].ts, name: 'fx-1', project: 'fx', tags: ['a', 'b'], notes: 'n', group: 'g', argv: logged[0].argv, cwd: logged[0].cwd, executable: logged[0].executable, env: {}, proc: logged[0].proc }),
    params({ lr: 0.001, big: 2n ** 64n + 1n, bad: NaN, model: { depth: 4 } }, { ts: logged[1].ts, configHash: logged[1].config_hash }),
    metrics(3, { loss: 1.5, acc: Infinity, gone: NaN, low: -Infinity }, logged[2].ts),
    summary({ tokens: -(2n ** 60n) }, logged[3].ts),
    artifact('artifacts/weights.bin', { ts: logged[4].ts, kind: 'model', size: 1, sha256: logged[4].sha256, source: logged[4].source }),
    status('finished', { ts: logged[5].ts }),
  ];
  assert.deepEqual(built.map(encodeLine), lines);
});

test('jsonNumber spells special floats as the format does and other numbers as JSON', () => {
  assert.deepEqual([NaN, Infinity, -Infinity, 1.5, 3, -0].map(jsonNumber), ['{"$float":"NaN"}', '{"$float":"Infinity"}', '{"$float":"-Infinity"}', '1.5', '3', '0']);
});

test('prng is mulberry32: the same sequence for the same seed, in [0, 1)', () => {
  const a = prng(42);
  const b = prng(42);
  const seq = Array.from({ length: 1000 }, () => a());
  assert.deepEqual(Array.from({ length: 1000 }, () => b()), seq);
  assert.ok(seq.every((x) => x >= 0 && x < 1));
  assert.equal(prng(1)(), 0.6270739405881613);
});
