// Reading one MLflow run: what changes rarely (meta.yaml, params, tags, the artifact list, the experiment's name)
// is read again whenever any of it changed; metric files are tailed, each from its own offset, all at once.
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoggedStatus } from '../../ingest/runState';
import type { ParsePool } from '../../ingest/parsePool';
import type { SealTarget } from '../../ingest/workerSeal';
import { fileLimits } from '../foreign/files';
import { NumberScanner, numberFromText } from '../foreign/numbers';
import type { ForeignRead } from '../foreign/reader';
import { experimentMeta, metaOf, takeRunMeta, type MetaYaml } from './metaFiles';
import { METRICS, metricKey, metricLines } from './metricLines';

/** MLflow's RunStatus codes (mlflow/protos/service.proto). SCHEDULED has not started: shown as running. */
const STATUS: Record<number, LoggedStatus | undefined> = { 1: 'running', 2: 'running', 3: 'finished', 4: 'failed', 5: 'killed' };
const STATUS_NAMES: Record<string, LoggedStatus> = { RUNNING: 'running', SCHEDULED: 'running', FINISHED: 'finished', FAILED: 'failed', KILLED: 'killed' };

const rarely = (rel: string) => !rel.startsWith(METRICS);

export async function readMlflowRun(r: ForeignRead): Promise<void> {
  const info = r.fromStart || r.anyChanged(rarely);
  const changed = [...r.files.keys()].filter((rel) => rel.startsWith(METRICS) && r.changed(rel));
  const workers = changed.length > 0 ? await r.workers() : undefined;
  if (workers !== undefined) await readOnWorker(r, info, changed, workers.pool, workers.seal);
  else {
    if (info) await readRunInfo(r, (rel) => r.whole(rel));
    const scanner = new NumberScanner();
    await Promise.all(changed.map((rel) => r.tailBytes(rel, (lines) => metricLines(r.builder, scanner, rel, metricKey(rel), lines))));
  }
  let newest = 0;
  for (const f of r.files.values()) if (f.mtimeMs > newest) newest = f.mtimeMs;
  // MLflow writes no heartbeat: a running run is alive while its files change.
  r.builder.touched(newest);
}

/**
 * A fresh run's metric files parsed and sealed on a parse worker (metricsJob.ts), the same points and problems;
 * its params and tags are read there too (the first part brings them), so this thread opens none of its files
 * but meta.yaml.
 */
async function readOnWorker(r: ForeignRead, info: boolean, changed: string[], pool: ParsePool, seal: SealTarget): Promise<void> {
  const b = r.builder;
  const files = changed.map((rel) => {
    const f = r.files.get(rel)!;
    return { rel, size: f.size, mtimeMs: f.mtimeMs };
  });
  const whole: Array<{ rel: string; size: number }> = [];
  if (info) for (const [rel, f] of r.files) if (rel.startsWith('params/') || rel.startsWith('tags/')) whole.push({ rel, size: f.size });
  let infoRead = !info;
  await pool.runForeign({ kind: 'mlflowMetrics', dir: r.run.dir, files, whole, wholeBytes: fileLimits.wholeBytes, seal, flushPoints: b.flushPoints }, async (part) => {
    if (!infoRead) {
      infoRead = true;
      const texts = part.texts ?? {};
      await readRunInfo(r, async (rel) => {
        const got = texts[rel];
        if (got === undefined) return r.whole(rel);
        r.mark(rel);
        if ('text' in got) return got.text;
        b.problem(rel, undefined, got.problem);
        return undefined;
      });
    }
    for (const [rel, cursor] of Object.entries(part.cursors)) Object.assign(r.cursor(rel), cursor);
    for (const p of part.problems) b.problem(p.rel, p.line, p.reason, p.offset);
    b.moreProblems(part.unlisted);
    b.times(part.minTime, part.maxTime);
    return b.sealedPart(part.sealed, part.done);
  });
  if (!infoRead) await readRunInfo(r, (rel) => r.whole(rel));
}

/** `whole`: a small file's text (ForeignRead.whole, or what a worker read of it), its problems reported. */
async function readRunInfo(r: ForeignRead, whole: (rel: string) => Promise<string | undefined>): Promise<void> {
  const b = r.builder;
  const state = b.state;
  // Read again from scratch: a tag or param file can go, and the values are set by what exists now.
  state.params = {};
  state.tags = [];
  state.artifacts = [];
  delete state.notes;
  delete state.parent;
  state.argv = [];
  delete state.cwd;
  state.env = {};

  const metaFile = r.files.get('meta.yaml');
  const handed = metaFile === undefined ? undefined : takeRunMeta(join(r.run.dir, 'meta.yaml'), metaFile);
  if (handed !== undefined) r.mark('meta.yaml');
  const meta = handed !== undefined ? reported(r, 'meta.yaml', metaOf(handed)) : await yamlOf(r, 'meta.yaml');
  if (meta !== undefined) runMeta(r, meta);
  const experimentFile = r.files.get('../meta.yaml');
  let experiment: Record<string, unknown> | undefined;
  if (experimentFile !== undefined) {
    r.mark('../meta.yaml');
    experiment = reported(r, '../meta.yaml', await experimentMeta(join(r.run.dir, '..', 'meta.yaml'), experimentFile));
  }
  // The experiment's name; without its meta.yaml, its id (as MLflow's UI shows an experiment it cannot name).
  if (experiment !== undefined && typeof experiment.name === 'string' && experiment.name !== '') state.project = experiment.name;
  else if (meta !== undefined && (typeof meta.experiment_id === 'string' || typeof meta.experiment_id === 'number')) state.project = `experiment ${meta.experiment_id}`;
  else delete state.project;

  const tags = new Map<string, string>();
  const entryPoint: Record<string, string> = {};
  for (const [rel, f] of r.files) {
    if (rel.startsWith('params/')) {
      const text = await whole(rel);
      if (text !== undefined) b.param(rel.slice('params/'.length), typedParam(text));
    } else if (rel.startsWith('tags/')) {
      const text = await whole(rel);
      if (text !== undefined) tags.set(rel.slice('tags/'.length), text);
    } else if (rel.startsWith('artifacts/') && state.artifacts.length < 10_000) {
      state.artifacts.push({ path: rel, size: f.size, time: f.mtimeMs });
    }
  }
  for (const [key, value] of tags) {
    if (!key.startsWith('mlflow.')) {
      state.tags.push(value === '' ? key : `${key}=${value}`);
      continue;
    }
    if (key === 'mlflow.runName') state.name = value;
    else if (key === 'mlflow.parentRunId') state.parent = value;
    else if (key === 'mlflow.note.content') state.notes = value;
    else if (key === 'mlflow.user') state.env.user = value;
    else if (key === 'mlflow.source.git.commit') state.env.git = { ...state.env.git, commit: value };
    else if (key === 'mlflow.source.git.branch') state.env.git = { ...state.env.git, branch: value };
    else if (key === 'mlflow.source.git.repoURL') state.env.git = { ...state.env.git, remote: value };
    else if (key === 'mlflow.source.name') entryPoint.source = value;
    else if (key === 'mlflow.source.type') entryPoint.type = value;
    else if (key === 'mlflow.project.entryPoint') entryPoint.entry = value;
  }
  commandOf(state, entryPoint);
}

/** Param files hold text; numbers written as such compare and sort as numbers. */
function typedParam(text: string): string | number {
  if (!/^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?$/.test(text)) return text;
  return numberFromText(text) ?? text;
}

/**
 * MLflow records the script (`mlflow.source.name`, LOCAL runs) and, for MLflow Projects, the entry point; never
 * the arguments. A local script becomes argv `[script]`: a rerun runs it again with the recorded params passed
 * as overrides. Notebooks and jobs record no command.
 */
function commandOf(state: ForeignRead['builder']['state'], e: Record<string, string>): void {
  const source = e.source;
  if (source === undefined || source === '') return;
  if ((e.type === undefined || e.type === 'LOCAL') && /\.py$/i.test(source)) {
    state.argv = [source];
    if (isAbsolute(source)) state.cwd = resolve(source, '..');
  } else if (e.type === 'PROJECT' && e.entry !== undefined) {
    state.env.mlflowProject = { uri: source, entryPoint: e.entry };
  }
}

async function yamlOf(r: ForeignRead, rel: string): Promise<Record<string, unknown> | undefined> {
  const text = await r.whole(rel);
  return text === undefined ? undefined : reported(r, rel, metaOf(text));
}

function reported(r: ForeignRead, rel: string, meta: MetaYaml): Record<string, unknown> | undefined {
  if ('value' in meta) return meta.value;
  r.builder.problem(rel, meta.line, meta.problem);
  return undefined;
}

function runMeta(r: ForeignRead, meta: Record<string, unknown>): void {
  const b = r.builder;
  const state = b.state;
  // MLflow 2 writes run_name; older versions a `name` (often empty) and the name in the mlflow.runName tag.
  const name = typeof meta.run_name === 'string' && meta.run_name !== '' ? meta.run_name : typeof meta.name === 'string' && meta.name !== '' ? meta.name : undefined;
  if (name !== undefined) state.name = name;
  else delete state.name;
  const start = numberOf(meta.start_time);
  const end = numberOf(meta.end_time);
  if (start !== undefined) state.startTime = start;
  if (end !== undefined && end > 0) state.endTime = end;
  else delete state.endTime;
  const code = numberOf(meta.status);
  const status = code !== undefined ? STATUS[code] : typeof meta.status === 'string' ? STATUS_NAMES[meta.status.toUpperCase()] : undefined;
  if (meta.status !== undefined && status === undefined) b.problem('meta.yaml', undefined, `unknown status ${JSON.stringify(String(meta.status).slice(0, 20))}`);
  // Running is no status at all in Trackside's terms: the run has not ended.
  b.status(status === 'running' ? undefined : status);
  if (typeof meta.user_id === 'string' && meta.user_id !== '') state.env.user = meta.user_id;
  if (typeof meta.artifact_uri === 'string' && meta.artifact_uri !== '' && !insideRun(r.run.dir, meta.artifact_uri)) {
    if (r.fromStart) b.problem('meta.yaml', undefined, `artifact_uri ${JSON.stringify(meta.artifact_uri.slice(0, 200))} is outside the run folder; not followed (only the run's own artifacts/ is listed)`);
  }
}

function numberOf(v: unknown): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v);
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/**
 * Whether an artifact URI names the run's own artifacts/ folder: inside the run folder, or where the run folder
 * was before the store was moved or copied (`…/<experiment>/<run>/artifacts`, the layout's own path).
 */
function insideRun(dir: string, uri: string): boolean {
  let path: string;
  try {
    path = uri.startsWith('file:') ? filePath(uri) : uri;
  } catch {
    return false;
  }
  if (!isAbsolute(path)) return false;
  const rel = relative(dir, path);
  if (rel === 'artifacts' || (rel !== '' && !isAbsolute(rel) && rel.split(sep)[0] !== '..')) return true;
  const own = dir.split(/[\\/]/).slice(-2).join('/');
  return path.replace(/\\/g, '/').replace(/\/+$/, '').endsWith(`/${own}/artifacts`);
}

/**
 * fileURLToPath, without parsing a URL (about 0.3 ms a run on the indexer's thread) when the URI is a plain
 * `file:///` path on POSIX that parsing would give back as it is: no escapes, query, fragment, backslash, space
 * or control character (which parsing drops or trims), no `.` segment or empty one (which it resolves).
 */
export function filePath(uri: string): string {
  if (sep === '/' && uri.startsWith('file:///') && !uri.includes('/.', 7) && !uri.includes('//', 7) && plainPath(uri, 8)) return uri.slice(7);
  return fileURLToPath(uri);
}

function plainPath(s: string, from: number): boolean {
  for (let i = from; i < s.length; i++) {
    const c = s.charCodeAt(i);
    // Control characters and space; `#`, `%`, `?`, `\`; DEL.
    if (c <= 0x20 || c === 0x23 || c === 0x25 || c === 0x3f || c === 0x5c || c === 0x7f) return false;
  }
  return true;
}
