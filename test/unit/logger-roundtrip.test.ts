// Issue 2, "Done when": a real Python script using the logger (a subprocess, not a mock) writes runs that the
// store, `trackside index --json` and `trackside show --json` report with exactly the values logged: nested
// config, string params, NaN/±Inf, explicit and automatic steps, several keys per step, artifacts, summary.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { access, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { openStore, parseWithFloats, stringifyWithFloats } from '../../src/store';
import type { MetricSummary, RunDetail, RunStore } from '../../src/store';
import { exactParams, fromParamValue, overridesEnvValue, parseParamInput } from '../../src/rerun/model/overrides';
import { loggerEnv, runPython } from './pythonLogger';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = join(REPO, 'dist', 'cli.js');

const SCRIPT = `
import json, os, trackside
art = os.path.join(os.getcwd(), "weights.bin")
with open(art, "wb") as f:
    f.write(bytes(range(256)) * 8)
config = {"optimizer": {"name": "adam", "lr": 0.001, "betas": [0.9, 0.999]}, "model": {"layers": 4, "act": "gelu"},
          "batch_size": 64, "use_amp": True, "label": 'h\\u00e9llo "quoted" \\U0001F680', "nothing": None}
with trackside.init(project="roundtrip", name="rt-1", config=config, tags=["baseline", "rt"], notes="round trip",
                    system_metrics=False) as run:
    run.log_param("dataset", "cifar10")
    run.log_params({"epochs": 3, "schedule": {"warmup": 100}})
    run.log({"loss": 1.5, "acc": 0.1})                      # automatic step 0
    run.log({"loss": 1.25, "acc": 0.2})                     # automatic step 1
    run.log({"loss": float("nan"), "acc": float("inf"), "neg": float("-inf")}, step=5)
    run.log({"loss": 0.75})                                 # automatic: 6
    run.log({"big": 1e308, "tiny": 5e-324, "int": 2**53}, step=10)
    run.log_metric("val/loss", 0.5, step=10)                # another key at the same step
    run.log_artifact(art)
    run.summary["best"] = 0.75
    run.summary["label"] = "final"
    run.summary["nan"] = float("nan")
try:
    with trackside.init(project="roundtrip", name="rt-fail", config={"lr": 0.1}, system_metrics=False) as failing:
        failing.log({"loss": 2.0})
        raise ValueError("diverged at step 1")
except ValueError:
    pass
print(json.dumps({"ok": run.id, "failed": failing.id}))
`;

const LOSS: MetricSummary = { last: 0.75, lastStep: 6, min: 0.75, max: 1.5, count: 4 };

let dir: string;
let root: string;
let ids: { ok: string; failed: string };
let store: RunStore;
/** Wall-clock span of the Python script, in ms: every time the store reports must fall inside it. */
const window: [number, number] = [0, 0];

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'trackside-roundtrip-'));
  root = join(dir, 'root');
  window[0] = Date.now();
  const { stdout } = await runPython(SCRIPT, [], dir, loggerEnv(root));
  window[1] = Date.now();
  ids = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as typeof ids;
  store = await openStore({ roots: [root] });
});

after(async () => {
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

/** The values the script logged, as every reader must report them. */
function assertLogged(run: RunDetail | undefined, artifactSha: string): void {
  assert.ok(run, 'run not found');
  assert.equal(run.name, 'rt-1');
  assert.equal(run.project, 'roundtrip');
  assert.deepEqual(run.tags, ['baseline', 'rt']);
  assert.equal(run.notes, 'round trip');
  assert.equal(run.status, 'finished');
  assert.equal(run.exitCode, 0);
  // Unix seconds in the log, milliseconds in the store.
  assert.ok(run.startTime >= window[0] - 1000 && run.startTime <= window[1], `startTime ${run.startTime} outside ${window.join('..')}`);
  assert.ok(run.endTime !== undefined && run.endTime >= run.startTime && run.endTime <= window[1], `endTime ${run.endTime}`);
  const { ['optimizer.betas']: betas, ...params } = run.params;
  assert.deepEqual(params, {
    'optimizer.name': 'adam', 'optimizer.lr': 0.001, 'model.layers': 4, 'model.act': 'gelu', batch_size: 64,
    use_amp: true, label: 'héllo "quoted" 🚀', nothing: null, dataset: 'cifar10', epochs: 3, 'schedule.warmup': 100,
  });
  // Arrays are kept as their JSON text (docs/log-format.md); spacing is the writer's business.
  assert.equal(typeof betas, 'string');
  assert.deepEqual(JSON.parse(betas as string), [0.9, 0.999]);
  assert.deepEqual(run.metrics, {
    loss: LOSS,
    acc: { last: Infinity, lastStep: 5, min: 0.1, max: 0.2, count: 3 },
    neg: { last: -Infinity, lastStep: 5, min: NaN, max: NaN, count: 1 },
    big: { last: 1e308, lastStep: 10, min: 1e308, max: 1e308, count: 1 },
    tiny: { last: 5e-324, lastStep: 10, min: 5e-324, max: 5e-324, count: 1 },
    int: { last: 2 ** 53, lastStep: 10, min: 2 ** 53, max: 2 ** 53, count: 1 },
    'val/loss': { last: 0.5, lastStep: 10, min: 0.5, max: 0.5, count: 1 },
  });
  assert.equal(run.lastStep, 10);
  assert.deepEqual(run.summary, { best: 0.75, label: 'final', nan: NaN });
  const artifact = run.artifacts.find((a) => a.path === 'artifacts/weights.bin');
  assert.ok(artifact, `artifact missing: ${JSON.stringify(run.artifacts)}`);
  assert.equal(artifact.size, 2048);
  assert.equal(artifact.sha256, artifactSha);
  assert.equal(typeof run.env.python?.version, 'string');
}

async function artifactSha(): Promise<string> {
  return createHash('sha256').update(await readFile(join(root, 'runs', ids.ok, 'artifacts', 'weights.bin'))).digest('hex');
}

describe('Python logger → store round trip', () => {
  test('openStore + index report exactly what the script logged', async () => {
    const report = await store.index();
    assert.deepEqual(report.diagnostics, []);
    assert.equal(report.runs, 2);
    assert.equal(report.points, 13);
    assertLogged(store.getRun(ids.ok), await artifactSha());

    const failed = store.getRun(ids.failed);
    assert.equal(failed?.status, 'failed');
    assert.equal(failed?.error?.type, 'ValueError');
    assert.match(failed?.error?.message ?? '', /diverged at step 1/);
    assert.deepEqual(failed?.metrics.loss, { last: 2, lastStep: 0, min: 2, max: 2, count: 1 });
  });

  test('series keep explicit and automatic steps, several keys per step, NaN and ±Inf', async () => {
    await store.index();
    const series = await store.series({ runIds: [ids.ok], keys: ['loss', 'acc', 'neg', 'val/loss', 'big'], points: 1000 });
    const by = Object.fromEntries(series.map((s) => [s.key, { steps: Array.from(s.steps), values: Array.from(s.values), total: s.total }]));
    assert.deepEqual(by.loss, { steps: [0, 1, 5, 6], values: [1.5, 1.25, NaN, 0.75], total: 4 });
    assert.deepEqual(by.acc, { steps: [0, 1, 5], values: [0.1, 0.2, Infinity], total: 3 });
    assert.deepEqual(by.neg, { steps: [5], values: [-Infinity], total: 1 });
    assert.deepEqual(by['val/loss'], { steps: [10], values: [0.5], total: 1 });
    assert.deepEqual(by.big, { steps: [10], values: [1e308], total: 1 });
    for (const s of series) for (const t of s.times) assert.ok(t >= window[0] - 1000 && t <= window[1], `${s.key} time ${t} outside ${window.join('..')}`);
    assert.deepEqual(store.metricKeys([ids.ok]), ['acc', 'big', 'int', 'loss', 'neg', 'tiny', 'val/loss']);
  });

  test('a rerun (TRACKSIDE_CONFIG_OVERRIDES, TRACKSIDE_PARENT_RUN) records its overrides and parent', async () => {
    const rerun = `
import trackside
with trackside.init(project="roundtrip", name="rt-rerun", config={"optimizer": {"name": "adam", "lr": 0.001}, "epochs": 3},
                    capture_env=False, system_metrics=False) as run:
    run.log({"loss": 0.25})
print(run.id)
`;
    // Its own root, so the other tests' counts do not depend on whether this one ran.
    const rerunRoot = join(dir, 'rerun-root');
    const env = loggerEnv(rerunRoot, { TRACKSIDE_CONFIG_OVERRIDES: JSON.stringify({ optimizer: { lr: 0.5 }, extra: 'x' }), TRACKSIDE_PARENT_RUN: ids.ok });
    const id = (await runPython(rerun, [], dir, env)).stdout.trim().split('\n').pop() ?? '';
    const rerunStore = await openStore({ roots: [rerunRoot] });
    try {
      await rerunStore.index();
      const run = rerunStore.getRun(id);
      assert.ok(run, `rerun ${id} not indexed`);
      assert.equal(run.parent, ids.ok);
      assert.deepEqual(run.params, { 'optimizer.name': 'adam', 'optimizer.lr': 0.5, epochs: 3, extra: 'x' });
      assert.deepEqual(run.overrides, { 'optimizer.lr': 0.5, extra: 'x' });
    } finally {
      await rerunStore.close();
    }
  });

  test('integers beyond 2^53 keep every digit: logger → store → rerun overrides → logger → store', async () => {
    const big = 2n ** 64n + 1n; // JSON.parse would read 18446744073709551616
    const script = `
import json, sys, trackside
with trackside.init(project="roundtrip", name=sys.argv[1], config={"seed": 2**64 + 1, "model": {"id": -(2**63) - 5}, "lr": 0.1},
                    seed=2**64 + 1, capture_env=False, system_metrics=False) as run:
    run.summary["tokens"] = 2**70 + 1
print(json.dumps({"id": run.id, "seed": str(run.config["seed"]), "model_id": str(run.config["model"]["id"])}))
`;
    const bigRoot = join(dir, 'bigint-root');
    const first = JSON.parse((await runPython(script, ['rt-big'], dir, loggerEnv(bigRoot))).stdout.trim().split('\n').pop() ?? '{}') as { id: string };
    const bigStore = await openStore({ roots: [bigRoot] });
    try {
      assert.deepEqual((await bigStore.index()).diagnostics, []);
      const run = bigStore.getRun(first.id);
      assert.ok(run, `run ${first.id} not indexed`);
      assert.deepEqual(run.params, { seed: Number(big), 'model.id': Number(-(2n ** 63n) - 5n), lr: 0.1 });
      assert.equal(run.env.seed, Number(big));
      assert.equal(run.summary.tokens, Number(2n ** 70n + 1n));
      assert.deepEqual(run.exactInts, {
        params: { seed: String(big), 'model.id': String(-(2n ** 63n) - 5n) },
        summary: { tokens: String(2n ** 70n + 1n) },
        seed: String(big),
      });
      // A rerun with one param edited to another big integer and the others as recorded.
      const params = exactParams(run.params, run.exactInts?.params);
      const overrides = { seed: parseParamInput('18446744073709551619').value, 'model.id': fromParamValue(params['model.id'] ?? null) };
      const env = loggerEnv(bigRoot, { TRACKSIDE_CONFIG_OVERRIDES: overridesEnvValue(overrides), TRACKSIDE_PARENT_RUN: first.id });
      const second = JSON.parse((await runPython(script, ['rt-big-rerun'], dir, env)).stdout.trim().split('\n').pop() ?? '{}') as { id: string; seed: string; model_id: string };
      assert.equal(second.seed, '18446744073709551619', 'the script sees the exact integer');
      assert.equal(second.model_id, String(-(2n ** 63n) - 5n));
      await bigStore.index();
      const rerun = bigStore.getRun(second.id);
      assert.equal(rerun?.parent, first.id);
      assert.deepEqual(rerun?.exactInts?.params, { seed: '18446744073709551619', 'model.id': String(-(2n ** 63n) - 5n) });
      assert.deepEqual(rerun?.exactInts?.overrides, { seed: '18446744073709551619', 'model.id': String(-(2n ** 63n) - 5n) });
    } finally {
      await bigStore.close();
    }
  });

  describe('the CLI over the same logs', () => {
    const exec = promisify(execFile);
    const cli = async (...args: string[]) => {
      const { stdout } = await exec(process.execPath, [CLI, ...args, '--root', root, '--db', join(dir, 'cli.db'), '--json'], { cwd: dir });
      return parseWithFloats<Record<string, unknown>>(stdout);
    };

    before(async () => {
      // `npm test` builds first; a filtered run of this file may not have.
      if (!(await access(CLI).then(() => true, () => false))) await exec(process.execPath, [join(REPO, 'scripts', 'build.mjs')], { cwd: REPO });
    });

    test('trackside index --json counts the runs and points, no errors', async () => {
      const out = await cli('index');
      assert.equal(out.runs, 2);
      assert.equal(out.points, 13);
      assert.deepEqual(out.diagnostics, []);
      assert.deepEqual([...(out.changedRuns as string[])].sort(), [ids.ok, ids.failed].sort());
      assert.equal(typeof out.ms, 'number');
    });

    test('trackside show <run> --json reports exactly the values logged', async () => {
      const out = (await cli('show', ids.ok)) as unknown as RunDetail;
      assertLogged(out, await artifactSha());
      // And nothing else differs from what the store itself reports (NaN/±Inf spelled the same way through JSON),
      // besides the media summary `show` adds (this run logged none).
      await store.index();
      assert.deepEqual(out, { ...(parseWithFloats(stringifyWithFloats(store.getRun(ids.ok))) as object), media: {} });
    });
  });
});
