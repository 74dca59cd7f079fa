// MLflow's file store, read in place: `mlruns/<experiment>/<run>/` with meta.yaml, metrics/<key> (one file per
// metric, lines `timestamp value step`, keys with `/` as folders), params/<key>, tags/<key> and artifacts/. The
// experiment's own meta.yaml (one level up) names the project. Runs whose meta.yaml says `lifecycle_stage: deleted`
// are left out, as MLflow's UI leaves them out.
import { join } from 'node:path';
import { foreignId } from '../foreign/ids';
import { foreignSource } from '../foreign/source';
import type { WalkedFolder } from '../runSource';
import { readRunMeta } from './metaFiles';
import { readMlflowRun } from './reader';

const RUN_ID = /^[A-Za-z0-9_-]{1,64}$/;

function claim(f: WalkedFolder) {
  if (!f.files.has('meta.yaml') || !(f.dirs.has('metrics') || f.dirs.has('params') || f.dirs.has('tags'))) return undefined;
  const name = f.dir.split(/[\\/]/).pop() ?? '';
  const id = RUN_ID.test(name) ? name : foreignId('mlflow', f.dir, name);
  return { runs: [{ id, dir: f.dir, log: join(f.dir, 'meta.yaml') }], stop: true };
}

const wanted = (rel: string): boolean => {
  const top = rel.split('/', 1)[0];
  return rel === 'meta.yaml' || top === 'metrics' || top === 'params' || top === 'tags' || top === 'artifacts';
};

/** Whether a run's meta.yaml says it was deleted, remembered per file version (a pass checks every run). */
const deletedCache = new Map<string, { size: number; mtimeMs: number; deleted: boolean }>();
const MAX_CACHED = 100_000;

async function isDeleted(dir: string, meta: { size: number; mtimeMs: number } | undefined): Promise<boolean> {
  if (meta === undefined) return false;
  const path = join(dir, 'meta.yaml');
  const hit = deletedCache.get(path);
  if (hit !== undefined && hit.size === meta.size && hit.mtimeMs === meta.mtimeMs) return hit.deleted;
  // meta.yaml is a few hundred bytes. Unreadable, the reader reports it.
  const text = meta.size <= 1 << 20 ? await readRunMeta(path, meta) : undefined;
  const deleted = text !== undefined && /^lifecycle_stage:\s*['"]?deleted['"]?\s*$/m.test(text);
  if (deletedCache.size >= MAX_CACHED) deletedCache.clear();
  deletedCache.set(path, { size: meta.size, mtimeMs: meta.mtimeMs, deleted });
  return deleted;
}

export const mlflowSource = foreignSource({
  kind: 'mlflow',
  live: true,
  claim,
  wanted,
  extra: ['../meta.yaml'],
  read: readMlflowRun,
  hidden: (dir, files) => isDeleted(dir, files.find((f) => f.rel === 'meta.yaml')),
});
