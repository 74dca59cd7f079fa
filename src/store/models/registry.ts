// The model registry of one Trackside root: `<root>/models/<name>/`. Safe for several writers without a lock:
// a version number is claimed by creating `versions/<n>.json` with O_EXCL (two writers never get the same one and
// nothing is overwritten), and alias moves and edits are single appends to JSON-lines histories.
import { copyFile, mkdir, open, readdir, readFile, rm, stat } from 'node:fs/promises';
import { hostname, userInfo } from 'node:os';
import * as path from 'node:path';
import { stringifyWithFloats } from '../ingest/floats';
import type { RunDetail } from '../types';
import { digest, realInside } from './files';
import { aliasMove, MODEL_FORMAT, modelEdit, versionJson, versionRecord, type AliasMove, type JsonValue, type ModelEdit, type ModelVersionRecord } from './format';
import { aliasProblem, ModelError, modelNameProblem, parseModelRef, quoted } from './names';

export const MODELS_DIR = 'models';
const VERSION_FILE = /^([1-9][0-9]{0,8})\.json$/;

export interface ModelProblem {
  file: string;
  line?: number;
  reason: string;
}

export interface ModelVersion extends ModelVersionRecord {
  /** Aliases that point at this version now. */
  aliases: string[];
}

export interface ModelInfo {
  name: string;
  root: string;
  versions: ModelVersion[];
  /** Alias → version, as the last move of each alias left it. */
  aliases: Record<string, number>;
  history: AliasMove[];
  description?: string;
  tags: string[];
  problems: ModelProblem[];
}

export interface RegisterInput {
  name: string;
  run: RunDetail;
  /** The artifact: a path relative to the run folder. */
  artifact: string;
  /** Copy the file into `models/<name>/files/<n>/` rather than point at the run's copy. */
  copy?: boolean;
  alias?: string;
  reason?: string;
  description?: string;
  tags?: string[];
  by?: string;
  now?: () => number;
}

function who(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? process.env.USERNAME;
  }
}

function modelDir(root: string, name: string): string {
  const problem = modelNameProblem(name);
  if (problem !== undefined) throw new ModelError(problem);
  return path.join(root, MODELS_DIR, name);
}

function errno(err: unknown): string | undefined {
  return (err as NodeJS.ErrnoException | undefined)?.code;
}

/** The run's values as the log wrote them: integers a double rounds go back to `{"$int": …}`. */
function exactValues(values: Record<string, unknown>, exact: Record<string, string> | undefined): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const [k, v] of Object.entries(values)) Object.defineProperty(out, k, { value: exact?.[k] !== undefined ? { $int: exact[k] } : (v as JsonValue), enumerable: true, writable: true, configurable: true });
  return out;
}

async function versionNumbers(dir: string): Promise<number[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (err) {
    if (errno(err) === 'ENOENT') return [];
    throw err;
  }
  return names.flatMap((n) => {
    const m = VERSION_FILE.exec(n);
    return m ? [Number(m[1])] : [];
  });
}

/** Appends one whole line; a torn last line left by a killed writer is closed off first so two never glue. */
async function appendLine(file: string, value: unknown): Promise<void> {
  const handle = await open(file, 'a+');
  try {
    const { size } = await handle.stat();
    let prefix = '';
    if (size > 0) {
      const last = Buffer.alloc(1);
      await handle.read(last, 0, 1, size - 1);
      if (last[0] !== 0x0a) prefix = '\n';
    }
    await handle.write(`${prefix}${JSON.stringify(value)}\n`);
  } finally {
    await handle.close();
  }
}

async function readLines<T>(file: string, parse: (v: unknown) => T, problems: ModelProblem[]): Promise<T[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if (errno(err) === 'ENOENT') return [];
    throw err;
  }
  const lines = text.split('\n');
  // A last line without "\n" is being written: read it once it is complete.
  lines.pop();
  const out: T[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      out.push(parse(JSON.parse(line)));
    } catch (err) {
      problems.push({ file, line: i + 1, reason: err instanceof SyntaxError ? 'not valid JSON' : (err as Error).message });
    }
  });
  return out;
}

/** Folder names under `<root>/models` that are valid model names, sorted. */
export async function listModels(root: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(path.join(root, MODELS_DIR), { withFileTypes: true });
  } catch (err) {
    if (errno(err) === 'ENOENT') return [];
    throw err;
  }
  return entries.filter((e) => e.isDirectory() && modelNameProblem(e.name) === undefined).map((e) => e.name).sort();
}

/** Everything recorded about one model; bad files and lines are listed in `problems`, the rest still read. */
export async function readModel(root: string, name: string): Promise<ModelInfo> {
  const dir = modelDir(root, name);
  const problems: ModelProblem[] = [];
  const versions: ModelVersion[] = [];
  for (const n of (await versionNumbers(path.join(dir, 'versions'))).sort((a, b) => a - b)) {
    const file = path.join(dir, 'versions', `${n}.json`);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      problems.push({ file, reason: `could not be read: ${(err as Error).message}` });
      continue;
    }
    // Claimed but not written yet (or its writer died before writing): not a version, not an error to act on.
    if (text === '') {
      problems.push({ file, reason: 'empty: a registration in progress, or one whose writer stopped' });
      continue;
    }
    try {
      versions.push({ ...versionRecord(JSON.parse(text), name, n), aliases: [] });
    } catch (err) {
      problems.push({ file, reason: err instanceof SyntaxError ? `not valid JSON (${err.message})` : (err as Error).message });
    }
  }
  const aliasFile = path.join(dir, 'aliases.jsonl');
  const history = await readLines(aliasFile, aliasMove, problems);
  const aliases: Record<string, number> = {};
  for (const move of history) {
    if (aliasProblem(move.alias) !== undefined) continue;
    if (move.version === null) delete aliases[move.alias];
    else Object.defineProperty(aliases, move.alias, { value: move.version, enumerable: true, writable: true, configurable: true });
  }
  for (const [alias, n] of Object.entries(aliases)) {
    const v = versions.find((x) => x.version === n);
    if (v) v.aliases.push(alias);
    else problems.push({ file: aliasFile, reason: `alias ${alias} points at version ${n}, which is not readable` });
  }
  const edits = await readLines(path.join(dir, 'edits.jsonl'), modelEdit, problems);
  let description: string | undefined;
  let tags: string[] = [];
  for (const e of edits) {
    if (e.version === undefined) {
      if (e.description !== undefined) description = e.description;
      if (e.tags !== undefined) tags = e.tags;
      continue;
    }
    const v = versions.find((x) => x.version === e.version);
    if (!v) continue;
    if (e.description !== undefined) v.description = e.description;
    if (e.tags !== undefined) v.tags = e.tags;
  }
  return { name, root, versions, aliases, history, description, tags, problems };
}

/** The version a reference names: `name` (latest), `name@alias` or `name:3`. */
export async function resolveModel(root: string, ref: string): Promise<{ model: ModelInfo; version: ModelVersion }> {
  const parsed = parseModelRef(ref);
  const model = await readModel(root, parsed.name);
  if (model.versions.length === 0) throw new ModelError(`no model named ${quoted(parsed.name)} under ${root}`, 'missing');
  let n: number | undefined;
  if (parsed.alias !== undefined) {
    n = model.aliases[parsed.alias];
    if (n === undefined) throw new ModelError(`model ${parsed.name} has no alias ${quoted(parsed.alias)}${Object.keys(model.aliases).length ? ` (it has ${Object.keys(model.aliases).join(', ')})` : ''}`, 'missing');
  } else n = parsed.version ?? model.versions[model.versions.length - 1]!.version;
  const version = model.versions.find((v) => v.version === n);
  if (version === undefined) throw new ModelError(`model ${parsed.name} has no version ${n}`, 'missing');
  return { model, version };
}

async function artifactFile(run: RunDetail, artifact: string): Promise<string> {
  const real = await realInside(run.dir, artifact);
  if (real === undefined) throw new ModelError(`run ${run.id} has no file ${quoted(artifact, 200)} inside its folder`, 'missing');
  const s = await stat(real);
  if (!s.isFile()) throw new ModelError(`${quoted(artifact, 200)} is a folder: register one file (an archive of the folder, say)`, 'refused');
  return real;
}

/** The artifact a user named: a recorded artifact path, the file name of exactly one, or a path in the run folder. */
export function artifactOf(run: RunDetail, given: string): string {
  const rel = given.replace(/\\/g, '/').replace(/^\.\//, '');
  if (run.artifacts.some((a) => a.path === rel)) return rel;
  const byName = run.artifacts.filter((a) => a.path.split('/').pop() === rel);
  if (byName.length === 1) return byName[0]!.path;
  return rel;
}

/** Registers the run's artifact as the next version of `name`; moves `alias` to it when given. */
export async function registerModel(root: string, input: RegisterInput): Promise<ModelVersion> {
  const dir = modelDir(root, input.name);
  if (input.alias !== undefined) {
    const problem = aliasProblem(input.alias);
    if (problem !== undefined) throw new ModelError(problem);
  }
  const run = input.run;
  // A read-only source's runs live in another tool's folder: the registry is not written beside them.
  if (run.readOnly) throw new ModelError(`run ${run.id} is read from another tool's folder, where Trackside writes nothing: its files cannot be registered there`, 'refused');
  const artifact = artifactOf(run, input.artifact);
  const source = await artifactFile(run, artifact);
  const logged = run.artifacts.find((a) => a.path === artifact);
  const versions = path.join(dir, 'versions');
  await mkdir(versions, { recursive: true });
  let n = Math.max(0, ...(await versionNumbers(versions))) + 1;
  let handle;
  for (;;) {
    try {
      handle = await open(path.join(versions, `${n}.json`), 'wx');
      break;
    } catch (err) {
      if (errno(err) !== 'EEXIST') throw err;
      n++;
    }
  }
  const claimed = path.join(versions, `${n}.json`);
  const copyDir = path.join(dir, 'files', String(n));
  try {
    let file = path.relative(root, path.join(run.dir, ...artifact.split('/'))).split(path.sep).join('/');
    let target = source;
    if (input.copy) {
      await mkdir(copyDir, { recursive: true });
      target = path.join(copyDir, path.basename(source));
      await copyFile(source, target, 1 /* COPYFILE_EXCL */);
      file = [MODELS_DIR, input.name, 'files', String(n), path.basename(source)].join('/');
    }
    const { size, sha256 } = await digest(target);
    if (logged?.sha256 !== undefined && logged.sha256 !== sha256) {
      throw new ModelError(`${artifact} changed since run ${run.id} logged it (sha256 ${sha256.slice(0, 12)}…, logged ${logged.sha256.slice(0, 12)}…): not registered`, 'refused');
    }
    const record: ModelVersionRecord = {
      format: MODEL_FORMAT,
      name: input.name,
      version: n,
      ts: (input.now?.() ?? Date.now()) / 1000,
      by: input.by ?? who(),
      host: hostname(),
      run: run.id,
      runName: run.name,
      project: run.project,
      parent: run.parent,
      artifact,
      file,
      copied: input.copy === true,
      size,
      sha256,
      commit: run.gitCommit ?? run.env.git?.commit,
      dirty: run.gitDirty,
      params: exactValues(run.params, run.exactInts?.params),
      summary: exactValues(run.summary, run.exactInts?.summary),
      metrics: Object.fromEntries(Object.entries(run.metrics).map(([k, m]) => [k, m.last])),
      env: run.env as Record<string, JsonValue>,
      description: input.description,
      tags: input.tags ?? [],
    };
    // One write into the claimed file: a reader sees it empty (in progress) or whole.
    await handle.write(stringifyWithFloats(versionJson(record), 1) + '\n');
    await handle.close();
    handle = undefined;
    if (input.alias !== undefined) await moveAlias(root, input.name, input.alias, n, { reason: input.reason ?? 'registered', by: record.by });
    return { ...record, aliases: input.alias === undefined ? [] : [input.alias] };
  } catch (err) {
    await handle?.close();
    // Nothing was published under this number: give it back rather than leave an empty claim behind.
    await rm(claimed, { force: true });
    await rm(copyDir, { recursive: true, force: true });
    throw err;
  }
}

/** Points `alias` at `version` (null removes it), appending the move to the model's alias history. */
export async function moveAlias(root: string, name: string, alias: string, version: number | null, o: { reason?: string; by?: string; now?: () => number } = {}): Promise<AliasMove> {
  const dir = modelDir(root, name);
  const problem = aliasProblem(alias);
  if (problem !== undefined) throw new ModelError(problem);
  if (version !== null) {
    const model = await readModel(root, name);
    if (!model.versions.some((v) => v.version === version)) {
      throw new ModelError(model.versions.length === 0 ? `no model named ${quoted(name)} under ${root}` : `model ${name} has no version ${version} (versions: ${model.versions.map((v) => v.version).join(', ')})`,
        'missing',
      );
    }
  }
  const move: AliasMove = { ts: (o.now?.() ?? Date.now()) / 1000, alias, version, by: o.by ?? who(), reason: o.reason };
  await appendLine(path.join(dir, 'aliases.jsonl'), move);
  return move;
}

/** Sets the description and/or tags of the model (no version) or of one version. */
export async function editModel(root: string, name: string, edit: Omit<ModelEdit, 'ts' | 'by'> & { by?: string }): Promise<void> {
  const dir = modelDir(root, name);
  const model = await readModel(root, name);
  if (model.versions.length === 0) throw new ModelError(`no model named ${quoted(name)} under ${root}`, 'missing');
  if (edit.version !== undefined && !model.versions.some((v) => v.version === edit.version)) throw new ModelError(`model ${name} has no version ${edit.version}`, 'missing');
  await appendLine(path.join(dir, 'edits.jsonl'), { ts: Date.now() / 1000, by: edit.by ?? who(), ...edit });
}

/** Every version, of every model under `root`, registered from `runId`. */
export async function versionsOfRun(root: string, runId: string): Promise<ModelVersion[]> {
  const out: ModelVersion[] = [];
  for (const name of await listModels(root)) out.push(...(await readModel(root, name)).versions.filter((v) => v.run === runId));
  return out;
}


