// A synthetic MLflow file store for the importer bench (I1): `runs` runs in one experiment, each with `metrics`
// metric files of `steps` lines (`timestamp value step`, as MLflow writes them), a few params and tags, written
// with the fixture writer's layout (test/fixtures/mlflow.ts) and values from the seeded generator. Cached under
// bench/.work like the Trackside workspaces.
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { metricLine, MLFLOW_STATUS, runMetaYaml, writeExperiment } from '../test/fixtures/mlflow';
import { prng } from '../test/fixtures/prng';
import { T0 } from '../test/fixtures/records';
import { WORK_DIR } from './generate';

const VERSION = 1;

export interface MlflowWorkspace {
  root: string;
  runs: number;
  points: number;
  /** Bytes of the metric files. */
  bytes: number;
  files: number;
  generateMs: number;
}

export interface MlflowOptions {
  runs: number;
  metrics: number;
  steps: number;
}

export function ensureMlflowWorkspace(o: MlflowOptions): MlflowWorkspace {
  const dir = join(WORK_DIR, `mlflow-${o.runs}x${o.metrics}x${o.steps}-v${VERSION}`);
  const manifest = join(dir, 'manifest.json');
  if (existsSync(manifest)) {
    const ws = JSON.parse(readFileSync(manifest, 'utf8')) as MlflowWorkspace;
    return { ...ws, root: join(dir, 'root'), generateMs: 0 };
  }
  const started = Date.now();
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  const mlruns = join(tmp, 'root', 'mlruns');
  writeExperiment(mlruns, '1', 'bench');
  const rand = prng(42);
  let bytes = 0;
  let files = 0;
  for (let r = 0; r < o.runs; r++) {
    const id = (r.toString(16).padStart(8, '0') + 'a'.repeat(24)).slice(0, 32);
    const run = join(mlruns, '1', id);
    for (const sub of ['metrics', 'params', 'tags', 'artifacts']) mkdirSync(join(run, sub), { recursive: true });
    const t0 = (T0 + r * 10) * 1000;
    writeFileSync(join(run, 'meta.yaml'), runMetaYaml(run, { runId: id, experimentId: '1', name: `run-${r}`, status: MLFLOW_STATUS.FINISHED, startTime: t0, endTime: t0 + o.steps * 1000 }));
    writeFileSync(join(run, 'params', 'lr'), String(0.001 * (1 + (r % 10))));
    writeFileSync(join(run, 'params', 'batch_size'), String(32 << r % 3));
    writeFileSync(join(run, 'tags', 'mlflow.runName'), `run-${r}`);
    writeFileSync(join(run, 'tags', 'mlflow.source.name'), 'train.py');
    for (let m = 0; m < o.metrics; m++) {
      const key = m === 0 ? 'loss' : m === 1 ? 'val/loss' : `metric_${m}`;
      if (key.includes('/')) mkdirSync(join(run, 'metrics', 'val'), { recursive: true });
      const lines: string[] = [];
      let v = 1 + rand();
      for (let s = 0; s < o.steps; s++) {
        v = v * 0.999 + (rand() - 0.5) * 0.01;
        lines.push(metricLine(t0 + s * 1000, v, s));
      }
      const text = lines.join('');
      writeFileSync(join(run, 'metrics', key), text);
      bytes += Buffer.byteLength(text);
      files++;
    }
  }
  const ws: MlflowWorkspace = { root: '', runs: o.runs, points: o.runs * o.metrics * o.steps, bytes, files, generateMs: Date.now() - started };
  writeFileSync(join(tmp, 'manifest.json'), JSON.stringify(ws));
  mkdirSync(WORK_DIR, { recursive: true });
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  return { ...ws, root: join(dir, 'root') };
}
