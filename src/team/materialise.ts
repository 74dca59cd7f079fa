// Fetched team runs into the cache the store's `team` source reads: `<root>/team/<remote>/<owner>/runs/<id>/`
// holding the run's meta.json and series.bin as the ref has them (the source reads them directly: no log text
// to write or parse again) and the artifacts that travelled, at their paths in the run folder. The cache is only
// ever a copy of the ref: deleting it loses nothing, the next fetch writes it again. The ref is someone else's writing: names are checked against the folder-name
// patterns, `..`, absolute paths, links and submodules are refused, every file and the entry count are capped,
// and a bad run becomes a diagnostic while the others are written. Nothing is written outside the cache.
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { CodecError, decodeSeries, META_FILE, ORIGIN_FILE, parseWithFloats, SERIES_FILE, TEAM_FOLDER, type Diagnostic } from '../store';
import { gitBytes, GitError } from './git';
import { OWNER_NAME, RUN_ID } from './repo';

export const TEAM_DIR = TEAM_FOLDER;

/** The remote fetched from: its name (in diagnostics and the runs' origin) and its cache folder (repo.ts remoteKey). */
export interface CacheRemote {
  name: string;
  key: string;
}

export interface Limits {
  /** Entries in the whole ref tree. */
  entries: number;
  metaBytes: number;
  seriesBytes: number;
  /** Points in one run's series. */
  points: number;
  artifactBytes: number;
  /** Artifact files in one run. */
  artifacts: number;
}

export const LIMITS: Limits = { entries: 200_000, metaBytes: 4 << 20, seriesBytes: 128 << 20, points: 5_000_000, artifactBytes: 16 << 20, artifacts: 1000 };

export interface MaterialiseReport {
  written: string[];
  unchanged: number;
  removed: string[];
  skippedOwn: number;
  diagnostics: Diagnostic[];
}

interface Blob {
  path: string;
  id: string;
  size: number;
}

interface RunEntries {
  owner: string;
  id: string;
  meta?: Blob;
  series?: Blob;
  files: Blob[];
  problem?: string;
}

const SAFE_PART = /^[A-Za-z0-9_][A-Za-z0-9._ +@=,-]{0,254}$/;

/** Parses `ls-tree -r -l -z` output into runs; anything that is not a well-formed run entry is a problem of its run or a diagnostic. */
function groupRuns(out: Buffer, ref: string, limits: Limits, diagnostics: Diagnostic[]): Map<string, RunEntries> {
  const runs = new Map<string, RunEntries>();
  let count = 0;
  let pos = 0;
  while (pos < out.length) {
    const end = out.indexOf(0, pos);
    const rec = out.subarray(pos, end < 0 ? out.length : end).toString('utf8');
    pos = end < 0 ? out.length : end + 1;
    if (rec === '') continue;
    if (++count > limits.entries) {
      diagnostics.push({ file: ref, reason: `the ref holds more than ${limits.entries} entries; the rest is not read` });
      break;
    }
    const tab = rec.indexOf('\t');
    const [mode, type, id, sizeText] = rec.slice(0, tab).split(/ +/);
    const path = rec.slice(tab + 1);
    const parts = path.split('/');
    const [owner, runId, ...rest] = parts;
    if (parts.length < 3 || !OWNER_NAME.test(owner) || !RUN_ID.test(runId)) {
      diagnostics.push({ file: `${ref}:${path.slice(0, 300)}`, reason: 'not <owner>/<run-id>/<file> with plain folder names; ignored' });
      continue;
    }
    const key = `${owner}/${runId}`;
    let run = runs.get(key);
    if (run === undefined) runs.set(key, (run = { owner, id: runId, files: [] }));
    if (run.problem !== undefined) continue;
    if (type !== 'blob' || (mode !== '100644' && mode !== '100755')) {
      run.problem = `${rest.join('/').slice(0, 300)} is a ${mode === '120000' ? 'symbolic link' : type}, not a file`;
      continue;
    }
    const blob: Blob = { path: rest.join('/'), id, size: Number(sizeText) };
    if (rest.length === 1 && rest[0] === 'meta.json') {
      if (blob.size > limits.metaBytes) run.problem = `meta.json is ${blob.size} bytes (at most ${limits.metaBytes})`;
      else run.meta = blob;
    } else if (rest.length === 1 && rest[0] === 'series.bin') {
      if (blob.size > limits.seriesBytes) run.problem = `series.bin is ${blob.size} bytes (at most ${limits.seriesBytes})`;
      else run.series = blob;
    } else if (rest[0] === 'files' && rest.length > 1 && rest.slice(1).every((p) => SAFE_PART.test(p) && p !== '.' && p !== '..') && rest.length <= 16) {
      if (blob.size > limits.artifactBytes) run.problem = `${blob.path.slice(0, 300)} is ${blob.size} bytes (at most ${limits.artifactBytes})`;
      else if (run.files.length >= limits.artifacts) run.problem = `more than ${limits.artifacts} artifact files`;
      else run.files.push(blob);
    } else {
      run.problem = `unexpected entry ${blob.path.slice(0, 300)}`;
    }
  }
  return runs;
}

/** Reads blobs by id with one `cat-file --batch`; sizes were checked against the limits before. */
async function readBlobs(cwd: string, blobs: Blob[]): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  if (blobs.length === 0) return out;
  const unique = [...new Set(blobs.map((b) => b.id))];
  const total = blobs.reduce((n, b) => n + b.size + 128, 0);
  const bytes = await gitBytes(['cat-file', '--batch'], { cwd, input: unique.join('\n') + '\n', maxBytes: total + 1024 });
  let pos = 0;
  for (const id of unique) {
    const nl = bytes.indexOf(0x0a, pos);
    const header = bytes.subarray(pos, nl).toString('utf8').split(' ');
    if (header[0] !== id || header[1] !== 'blob') throw new Error(`git cat-file: unexpected answer for ${id}`);
    const size = Number(header[2]);
    out.set(id, bytes.subarray(nl + 1, nl + 1 + size));
    pos = nl + 1 + size + 1;
  }
  return out;
}

function digest(run: RunEntries): string {
  // The run's place is part of it: two runs with the same files are still two runs (and two temporary folders).
  const h = createHash('sha1').update(`${run.owner}/${run.id}\n`);
  for (const b of [run.meta, run.series, ...run.files]) if (b !== undefined) h.update(`${b.path} ${b.id}\n`);
  return h.digest('hex');
}

/** `root` joined with `parts`, or undefined if the result is not strictly inside `root`. */
function inside(root: string, ...parts: string[]): string | undefined {
  const full = resolve(root, ...parts);
  const rel = relative(root, full);
  return rel === '' || rel.startsWith('..') || rel.split(sep)[0] === '..' || resolve(rel) === rel ? undefined : full;
}

async function readOrigin(dir: string): Promise<string | undefined> {
  try {
    return (JSON.parse(await readFile(join(dir, ORIGIN_FILE), 'utf8')) as { digest?: string }).digest;
  } catch {
    return undefined;
  }
}

/**
 * Writes the runs of `commit`'s tree into `<root>/team/`, skipping `ownOwner`'s (those are this machine's runs),
 * and removes cached runs the ref no longer has. `label` names the ref in diagnostics.
 */
export async function materialise(cwd: string, commit: string, root: string, ownOwner: string, remote: CacheRemote, limits: Limits = LIMITS): Promise<MaterialiseReport> {
  const report: MaterialiseReport = { written: [], unchanged: 0, removed: [], skippedOwn: 0, diagnostics: [] };
  const label = `refs/trackside/runs (${remote.name})`;
  const top = resolve(root, TEAM_DIR);
  const cache = inside(top, remote.key);
  if (cache === undefined) throw new Error(`not a cache folder name: ${remote.key}`);
  await mkdir(cache, { recursive: true });
  await writeFile(join(top, '.gitignore'), '# Teammates’ runs fetched by Trackside: rebuilt by the next fetch.\n*\n');
  await removeOldLayout(top);
  let listing: Buffer;
  try {
    // ~100 bytes an entry: the cap on entries bounds the listing too.
    listing = await gitBytes(['ls-tree', '-r', '-l', '-z', '--full-tree', commit], { cwd, maxBytes: limits.entries * 400 });
  } catch (err) {
    if (err instanceof GitError && /printed more than/.test(err.message)) {
      report.diagnostics.push({ file: label, reason: `the ref's tree is too large to read (more than ${limits.entries} entries); nothing was changed` });
      return report;
    }
    throw err;
  }
  const runs = groupRuns(listing, label, limits, report.diagnostics);
  const keep = new Set<string>();
  const todo: Array<{ run: RunEntries; dir: string; digest: string }> = [];
  for (const run of runs.values()) {
    const where = `${label}:${run.owner}/${run.id}`;
    if (run.owner === ownOwner) {
      report.skippedOwn++;
      continue;
    }
    const dir = inside(cache, run.owner, 'runs', run.id);
    if (dir === undefined) continue;
    keep.add(dir);
    if (run.problem === undefined && run.meta === undefined) run.problem = 'no meta.json';
    if (run.problem !== undefined) {
      report.diagnostics.push({ file: where, reason: `${run.problem}; run not fetched` });
      continue;
    }
    todo.push({ run, dir, digest: digest(run) });
  }
  // Unchanged runs (same blobs as the cached copy) are left alone; the checks overlap, 32 at a time.
  const changed: typeof todo = [];
  for (let i = 0; i < todo.length; i += 32) {
    const slice = todo.slice(i, i + 32);
    const origins = await Promise.all(slice.map((t) => readOrigin(t.dir)));
    slice.forEach((t, k) => (origins[k] === t.digest ? report.unchanged++ : changed.push(t)));
  }
  todo.length = 0;
  todo.push(...changed);
  // A batch of runs per cat-file: bounded memory however many runs changed.
  for (let i = 0; i < todo.length; ) {
    const batch: typeof todo = [];
    let bytes = 0;
    while (i < todo.length && (batch.length === 0 || bytes < 64 << 20)) {
      const t = todo[i++];
      batch.push(t);
      for (const b of [t.run.meta, t.run.series, ...t.run.files]) bytes += b?.size ?? 0;
    }
    const blobs = await readBlobs(cwd, batch.flatMap((t) => [t.run.meta, t.run.series, ...t.run.files].filter((b): b is Blob => b !== undefined)));
    // Eight runs written at a time: the file system calls overlap, memory stays that of one batch.
    let next = 0;
    const writer = async () => {
      while (next < batch.length) {
        const t = batch[next++];
        const problem = await writeRun(t.run, cache, t.dir, t.digest, blobs, remote.name, limits).catch((err: unknown) => (err instanceof Error ? err.message : String(err)));
        if (problem === undefined) report.written.push(`${t.run.owner}/${t.run.id}`);
        else report.diagnostics.push({ file: `${label}:${t.run.owner}/${t.run.id}`, reason: `${problem}; run not fetched` });
      }
    };
    await Promise.all(Array.from({ length: Math.min(8, batch.length) }, writer));
  }
  report.written.sort();
  report.removed = await removeStale(cache, keep);
  return report;
}

async function writeRun(run: RunEntries, cache: string, dir: string, digestText: string, blobs: Map<string, Buffer>, remote: string, limits: Limits): Promise<string | undefined> {
  const metaBytes = blobs.get((run.meta as Blob).id) as Buffer;
  let meta: unknown;
  try {
    meta = parseWithFloats(metaBytes.toString('utf8'));
  } catch (err) {
    return `meta.json is not JSON (${err instanceof Error ? err.message : String(err)})`;
  }
  const seriesBytes = run.series === undefined ? undefined : (blobs.get(run.series.id) as Buffer);
  if (seriesBytes !== undefined) {
    // Checked here, so a bad run is a diagnostic of the fetch and never reaches the cache.
    try {
      decodeSeries(seriesBytes, limits.points);
    } catch (err) {
      if (err instanceof CodecError) return err.message;
      throw err;
    }
  }
  const m = meta as { author?: unknown; host?: unknown };
  const author = typeof m.author === 'string' && m.author !== '' ? m.author.slice(0, 200) : run.owner.split('@')[0];
  const host = typeof m.host === 'string' ? m.host.slice(0, 200) : (run.owner.split('@')[1] ?? '');
  // Written beside, then swapped in: the store never sees half a run.
  // The temporary folder's dot-name matches no owner, so no source ever lists it.
  const tmp = join(cache, `.tmp-${process.pid}-${digestText.slice(0, 12)}`);
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  const own = new Set([META_FILE, SERIES_FILE, ORIGIN_FILE]);
  for (const f of run.files) {
    const rel = f.path.split('/').slice(1);
    // An artifact named like one of the run's own files stays out: those are what the store reads.
    if (rel.length === 1 && own.has(rel[0])) continue;
    const target = inside(tmp, ...rel);
    if (target === undefined) continue;
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, blobs.get(f.id) as Buffer);
  }
  await writeFile(join(tmp, META_FILE), metaBytes);
  if (seriesBytes !== undefined) await writeFile(join(tmp, SERIES_FILE), seriesBytes);
  // Last: the file whose stat tells the store the run changed.
  await writeFile(join(tmp, ORIGIN_FILE), JSON.stringify({ digest: digestText, owner: run.owner, author, host, remote }) + '\n');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dirname(dir), { recursive: true });
  await rename(tmp, dir);
  return undefined;
}

/** Caches of the first layout (`team/<owner>/runs/`, before one folder per remote): the next fetch rewrites them. */
async function removeOldLayout(top: string): Promise<void> {
  for (const e of await readdir(top, { withFileTypes: true }).catch(() => [])) {
    if (!e.isDirectory() || !OWNER_NAME.test(e.name) || !e.name.includes('@')) continue;
    const runsDir = join(top, e.name, 'runs');
    const hasRuns = await readdir(runsDir).then(
      () => true,
      () => false,
    );
    if (hasRuns) await rm(join(top, e.name), { recursive: true, force: true });
  }
}

async function removeStale(cache: string, keep: Set<string>): Promise<string[]> {
  const removed: string[] = [];
  const owners = await readdir(cache, { withFileTypes: true }).catch(() => []);
  for (const o of owners) {
    if (!o.isDirectory() || !OWNER_NAME.test(o.name)) continue;
    const runsDir = join(cache, o.name, 'runs');
    const runs = await readdir(runsDir, { withFileTypes: true }).catch(() => []);
    for (const r of runs) {
      const dir = join(runsDir, r.name);
      if (r.isDirectory() && RUN_ID.test(r.name) && !keep.has(dir)) {
        await rm(dir, { recursive: true, force: true });
        removed.push(`${o.name}/${r.name}`);
      }
    }
  }
  return removed;
}
