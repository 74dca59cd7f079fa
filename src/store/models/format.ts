// The model registry's files (docs/log-format.md, "Models"): one JSON file per version, append-only JSON lines for
// alias moves and edits. Files can come from anyone (a teammate's commit, a hand edit), so every field is checked
// and a bad file or line is reported, never trusted.

/** A JSON value as written: numbers beyond doubles stay `{"$float": …}` / `{"$int": …}` objects. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export const MODEL_FORMAT = 1;

export interface ModelVersionRecord {
  format: number;
  name: string;
  version: number;
  /** Unix seconds, like `ts` in run logs. */
  ts: number;
  by?: string;
  host?: string;
  run: string;
  runName?: string;
  project?: string;
  /** The run this one was started from (a rerun), as recorded at registration. */
  parent?: string;
  /** The artifact's path relative to the run folder. */
  artifact: string;
  /** The file this version names, relative to the Trackside root (`runs/<id>/…` or `models/<name>/files/<n>/…`). */
  file: string;
  copied: boolean;
  size: number;
  sha256: string;
  commit?: string;
  dirty?: boolean;
  /** Flattened params, summary and last metric values of the run at registration. */
  params: Record<string, JsonValue>;
  summary: Record<string, JsonValue>;
  metrics: Record<string, JsonValue>;
  env: Record<string, JsonValue>;
  description?: string;
  tags: string[];
}

export interface AliasMove {
  ts: number;
  alias: string;
  /** Null removes the alias. */
  version: number | null;
  by?: string;
  reason?: string;
}

export interface ModelEdit {
  ts: number;
  by?: string;
  /** Absent: the model itself. */
  version?: number;
  description?: string;
  tags?: string[];
}

const SHA = /^[0-9a-f]{64}$/;
const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function optionalString(o: Record<string, unknown>, key: string): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new Error(`"${key}" is not a string`);
  return v;
}

function record(o: Record<string, unknown>, key: string): Record<string, JsonValue> {
  const v = o[key];
  if (v === undefined || v === null) return {};
  if (!isObject(v)) throw new Error(`"${key}" is not an object`);
  return v as Record<string, JsonValue>;
}

/** A plain relative path with `/` separators, no `..`, not absolute: the root-relative `file`. */
export function isPlainPath(p: string): boolean {
  if (p === '' || p.includes('\u0000') || p.includes('\\') || p.startsWith('/') || /^[a-zA-Z]:/.test(p)) return false;
  return !p.split('/').some((s) => s === '..' || s === '' || s === '.');
}

/** Checks a parsed version file; throws an Error naming the bad field. */
export function versionRecord(value: unknown, name: string, version: number): ModelVersionRecord {
  if (!isObject(value)) throw new Error('not a JSON object');
  if (value.format !== MODEL_FORMAT) throw new Error(`"format" is ${JSON.stringify(value.format)}, expected ${MODEL_FORMAT}`);
  if (value.name !== name) throw new Error(`"name" does not match the folder ${name}`);
  if (value.version !== version) throw new Error(`"version" does not match the file name ${version}.json`);
  if (typeof value.ts !== 'number' || !Number.isFinite(value.ts)) throw new Error('"ts" is not a number');
  if (typeof value.run !== 'string' || !RUN_ID.test(value.run)) throw new Error('"run" is not a run id');
  if (typeof value.artifact !== 'string' || !isPlainPath(value.artifact)) throw new Error('"artifact" is not a plain relative path');
  if (typeof value.file !== 'string' || !isPlainPath(value.file)) throw new Error('"file" is not a plain relative path');
  if (typeof value.size !== 'number' || !Number.isSafeInteger(value.size) || value.size < 0) throw new Error('"size" is not a byte count');
  if (typeof value.sha256 !== 'string' || !SHA.test(value.sha256)) throw new Error('"sha256" is not 64 lower-case hex digits');
  const tags = value.tags ?? [];
  if (!Array.isArray(tags) || !tags.every((t) => typeof t === 'string')) throw new Error('"tags" is not a list of strings');
  const parent = optionalString(value, 'parent');
  if (parent !== undefined && !RUN_ID.test(parent)) throw new Error('"parent" is not a run id');
  return {
    format: MODEL_FORMAT,
    name,
    version,
    ts: value.ts,
    by: optionalString(value, 'by'),
    host: optionalString(value, 'host'),
    run: value.run,
    runName: optionalString(value, 'run_name'),
    project: optionalString(value, 'project'),
    parent,
    artifact: value.artifact,
    file: value.file,
    copied: value.copied === true,
    size: value.size,
    sha256: value.sha256,
    commit: optionalString(value, 'commit'),
    dirty: typeof value.dirty === 'boolean' ? value.dirty : undefined,
    params: record(value, 'params'),
    summary: record(value, 'summary'),
    metrics: record(value, 'metrics'),
    env: record(value, 'env'),
    description: optionalString(value, 'description'),
    tags: tags as string[],
  };
}

/** The file's JSON (snake_case keys, as the Python logger writes them too). */
export function versionJson(r: ModelVersionRecord): Record<string, unknown> {
  const out: Record<string, unknown> = { format: r.format, name: r.name, version: r.version, ts: r.ts, by: r.by, host: r.host, run: r.run, run_name: r.runName, project: r.project, parent: r.parent };
  Object.assign(out, { artifact: r.artifact, file: r.file, copied: r.copied, size: r.size, sha256: r.sha256, commit: r.commit, dirty: r.dirty });
  Object.assign(out, { description: r.description, tags: r.tags, params: r.params, summary: r.summary, metrics: r.metrics, env: r.env });
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out;
}

export function aliasMove(value: unknown): AliasMove {
  if (!isObject(value)) throw new Error('not a JSON object');
  if (typeof value.alias !== 'string') throw new Error('"alias" is not a string');
  if (typeof value.ts !== 'number') throw new Error('"ts" is not a number');
  const v = value.version;
  if (v !== null && !(typeof v === 'number' && Number.isSafeInteger(v) && v >= 1)) throw new Error('"version" is not a version number or null');
  return { ts: value.ts, alias: value.alias, version: v, by: optionalString(value, 'by'), reason: optionalString(value, 'reason') };
}

export function modelEdit(value: unknown): ModelEdit {
  if (!isObject(value)) throw new Error('not a JSON object');
  if (typeof value.ts !== 'number') throw new Error('"ts" is not a number');
  const v = value.version;
  if (v !== undefined && !(typeof v === 'number' && Number.isSafeInteger(v) && v >= 1)) throw new Error('"version" is not a version number');
  const tags = value.tags;
  if (tags !== undefined && !(Array.isArray(tags) && tags.every((t) => typeof t === 'string'))) throw new Error('"tags" is not a list of strings');
  return { ts: value.ts, by: optionalString(value, 'by'), version: v as number | undefined, description: optionalString(value, 'description'), tags: tags as string[] | undefined };
}
