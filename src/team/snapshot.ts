// One run as it is shared: the files of its folder in the ref, read through the store (never by re-parsing its
// log), with what was scrubbed on the way.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { stringifyWithFloats, type ArtifactInfo, type RunDetail, type RunStore, type RunSummary } from '../store';
import { REDACTED, Scrubber } from './redact';
import { encodeSeries, type SeriesColumns } from '../store';

export interface TeamSettings {
  /** Share the recorded `git diff` artifact. */
  shareDiff: boolean;
  /** Artifacts up to this many bytes travel; larger ones are listed with size and SHA-256. */
  artifactLimit: number;
  /** Globs: matching artifact paths, environment keys and `--flag`s are left out. */
  exclude: string[];
}

export const DEFAULT_SETTINGS: TeamSettings = { shareDiff: false, artifactLimit: 1024 * 1024, exclude: [] };

/** Bumped when what a snapshot holds changes, so cached run trees are rebuilt. */
export const SNAPSHOT_VERSION = 1;

export interface SharedArtifact {
  path: string;
  kind?: string;
  size?: number;
  sha256?: string;
  time: number;
  /** True when the file itself is in the ref (under files/), false when only listed. */
  included: boolean;
}

export interface TeamMeta {
  v: 1;
  id: string;
  name: string;
  project: string;
  group?: string;
  parent?: string;
  tags: string[];
  notes?: string;
  status: string;
  startTime: number;
  endTime?: number;
  lastUpdate: number;
  /** When a running run was shared: its status is as of then (a fetched run is not live). */
  sharedAt?: number;
  exitCode?: number;
  error?: unknown;
  author: string;
  host: string;
  argv: string[];
  cwd?: string;
  executable?: string;
  params: Record<string, unknown>;
  overrides: Record<string, unknown>;
  summary: Record<string, unknown>;
  exactInts?: unknown;
  env: unknown;
  artifacts: SharedArtifact[];
}

export interface RunSnapshot {
  id: string;
  name: string;
  /** Path inside the run's folder → bytes. */
  files: Map<string, Buffer>;
  bytes: number;
  points: number;
  scrubbed: string[];
  /** Artifacts listed without their bytes (over the limit, folders, missing). */
  listedOnly: string[];
}

/**
 * What decides whether a run's shared folder must be rebuilt: its last write (any new log line moves it), the
 * user's edits beside it (user.json), its points and the settings. Small on purpose: a push with nothing new
 * stamps every run.
 */
export function runStamp(run: RunSummary, settings: TeamSettings): string {
  let points = 0;
  for (const m of Object.values(run.metrics)) points += m.count;
  const key = [SNAPSHOT_VERSION, settings, run.id, run.lastUpdate, run.status, run.endTime, run.exitCode, run.name, run.tags, run.notes, run.starred, run.archived, points];
  return createHash('sha1').update(JSON.stringify(key)).digest('hex');
}

function insideRun(dir: string, path: string): string | undefined {
  if (path === '' || isAbsolute(path) || path.includes('\\')) return undefined;
  const parts = path.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..')) return undefined;
  const full = join(dir, ...parts);
  const rel = relative(dir, full);
  return rel === '' || rel.split(sep)[0] === '..' ? undefined : full;
}

async function sha256Of(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function artifactFiles(run: RunDetail, settings: TeamSettings, scrub: Scrubber, snap: RunSnapshot): Promise<SharedArtifact[]> {
  const out: SharedArtifact[] = [];
  const diffPath = run.env.git?.diffArtifact ?? (run.env.git as { diff_artifact?: string } | undefined)?.diff_artifact;
  for (const a of run.artifacts) {
    const isDiff = a.kind === 'diff' || a.path === diffPath;
    if (isDiff && !settings.shareDiff) {
      snap.scrubbed.push(`artifact ${a.path} (the recorded git diff; enable sharing the diff to include it)`);
      continue;
    }
    if (scrub.excluded(a.path)) {
      snap.scrubbed.push(`artifact ${a.path} (exclude pattern)`);
      continue;
    }
    const shared: SharedArtifact = { ...pick(a), included: false };
    out.push(shared);
    const full = insideRun(run.dir, a.path);
    if (full === undefined) continue;
    const st = await stat(full).catch(() => undefined);
    if (st === undefined || !st.isFile()) {
      snap.listedOnly.push(a.path);
      continue;
    }
    shared.size = st.size;
    if (st.size <= settings.artifactLimit) {
      const bytes = await readFile(full);
      shared.sha256 = createHash('sha256').update(bytes).digest('hex');
      shared.included = true;
      snap.files.set(`files/${a.path}`, bytes);
    } else {
      shared.sha256 ??= await sha256Of(full);
      snap.listedOnly.push(a.path);
    }
  }
  return out;
}

function pick(a: ArtifactInfo): Omit<SharedArtifact, 'included'> {
  const out: Omit<SharedArtifact, 'included'> = { path: a.path, time: a.time };
  if (a.kind !== undefined) out.kind = a.kind;
  if (a.size !== undefined) out.size = a.size;
  if (a.sha256 !== undefined) out.sha256 = a.sha256;
  return out;
}

/** The exact digits of integers, less those of values that were redacted (the digits would give them away). */
function exactIntsOf(exact: NonNullable<RunDetail['exactInts']>, meta: TeamMeta): unknown {
  const out: Record<string, unknown> = { ...exact };
  for (const field of ['params', 'overrides', 'summary'] as const) {
    const digits = exact[field];
    if (digits === undefined) continue;
    const kept = Object.entries(digits).filter(([k]) => meta[field][k] !== REDACTED);
    out[field] = Object.fromEntries(kept);
  }
  if (exact.seed !== undefined && (meta.env as { seed?: unknown } | null)?.seed === REDACTED) delete out.seed;
  return out;
}

/** `series`: the run's series from store.wholeRun (read here when not given). */
export async function snapshotRun(store: RunStore, id: string, author: string, host: string, settings: TeamSettings, series?: SeriesColumns[]): Promise<RunSnapshot | undefined> {
  const run = store.getRun(id);
  if (run === undefined) return undefined;
  const scrub = new Scrubber(settings.exclude);
  const snap: RunSnapshot = { id, name: run.name, files: new Map(), bytes: 0, points: 0, scrubbed: [], listedOnly: [] };
  const columns = series ?? (await store.wholeRun(id));
  for (const c of columns) snap.points += c.steps.length;
  const artifacts = await artifactFiles(run, settings, scrub, snap);
  const meta: TeamMeta = {
    v: 1,
    id: run.id,
    name: run.name,
    project: run.project,
    tags: run.tags,
    status: run.status,
    startTime: run.startTime,
    lastUpdate: run.lastUpdate,
    author,
    host,
    argv: scrub.argv(run.argv, snap.scrubbed),
    params: scrub.values(run.params, 'params', snap.scrubbed),
    overrides: scrub.values(run.overrides, 'overrides', snap.scrubbed),
    summary: scrub.values(run.summary, 'summary', snap.scrubbed),
    env: scrub.env(run.env, snap.scrubbed),
    artifacts,
  };
  if (run.status === 'running') meta.sharedAt = Date.now();
  if (run.group !== undefined) meta.group = run.group;
  if (run.parent !== undefined) meta.parent = run.parent;
  if (run.notes !== undefined) meta.notes = run.notes;
  if (run.endTime !== undefined) meta.endTime = run.endTime;
  if (run.exitCode !== undefined) meta.exitCode = run.exitCode;
  if (run.error !== undefined) meta.error = run.error;
  if (run.cwd !== undefined) meta.cwd = run.cwd;
  if (run.executable !== undefined) meta.executable = run.executable;
  if (run.exactInts !== undefined) meta.exactInts = exactIntsOf(run.exactInts, meta);
  snap.files.set('meta.json', Buffer.from(stringifyWithFloats(meta) + '\n'));
  snap.files.set('series.bin', encodeSeries(columns));
  for (const b of snap.files.values()) snap.bytes += b.length;
  return snap;
}
