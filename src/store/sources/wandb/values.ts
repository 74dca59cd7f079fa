// W&B's values: JSON text from Python's json module, which writes NaN, Infinity and -Infinity bare; history
// rows and summaries as nested objects whose numeric leaves are metrics; media (`{"_type": "image-file", …}`)
// and W&B's own bookkeeping keys (`_wandb`, `_runtime`, `_step`, `_timestamp`) are not metrics.
import { reviveFloats } from '../../ingest/floats';
import type { Item } from './record';

const MAX_DEPTH = 16;

/** Parses Python-flavoured JSON; undefined when it is not JSON even so. */
export function parsePythonJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // Rewrite the bare specials outside strings, then parse again (rare: only rows holding them get here).
    let out = '';
    let inString = false;
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (inString) {
        out += c;
        if (c === '\\') out += text[++i] ?? '';
        else if (c === '"') inString = false;
        continue;
      }
      if (c === '"') inString = true;
      const special = text.startsWith('NaN', i) ? 'NaN' : text.startsWith('Infinity', i) ? 'Infinity' : text.startsWith('-Infinity', i) ? '-Infinity' : undefined;
      if (special !== undefined) {
        out += `{"$float":"${special}"}`;
        i += special.length - 1;
      } else out += c;
    }
    try {
      return reviveFloats(JSON.parse(out));
    } catch {
      return undefined;
    }
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Whether a value is W&B media or another typed object (an image, a table, a histogram): not a metric. */
export function isMedia(v: unknown): boolean {
  return isObject(v) && typeof v._type === 'string';
}

/** Numeric leaves of `value` under `key`, nested keys joined with dots; booleans, text and media are skipped. */
export function numericLeaves(key: string, value: unknown, out: Array<[string, number]>, depth = 0): void {
  if (typeof value === 'number') out.push([key, value]);
  else if (isObject(value) && !isMedia(value) && depth < MAX_DEPTH) {
    for (const k of Object.keys(value)) numericLeaves(`${key}.${k}`, value[k], out, depth + 1);
  }
}

/** W&B's bookkeeping keys (`_step`, `_runtime`, `_timestamp`, `_wandb`, …): not the user's metrics or config. */
export function isInternalKey(key: string): boolean {
  return key.startsWith('_');
}

export interface HistoryRow {
  step?: number;
  /** `_timestamp`, Unix seconds. */
  time?: number;
  values: Array<[string, number]>;
  /** Items whose JSON could not be read. */
  bad: string[];
}

/** One history record's row: its step and time from `_step`/`_timestamp`, metrics from the other numeric items. */
export function historyRow(items: readonly Item[], step?: number): HistoryRow {
  const row: HistoryRow = { values: [], bad: [], ...(step === undefined ? {} : { step }) };
  for (const item of items) {
    const key = item.path.join('.');
    const value = parsePythonJson(item.json);
    if (value === undefined) {
      row.bad.push(key);
      continue;
    }
    if (key === '_step') {
      if (typeof value === 'number' && Number.isFinite(value)) row.step = value;
    } else if (key === '_timestamp') {
      if (typeof value === 'number' && Number.isFinite(value)) row.time = value;
    } else if (!isInternalKey(key)) numericLeaves(key, value, row.values);
  }
  return row;
}

/** Config or summary items as one nested object (a nested_key path makes nested objects); internal keys left out. */
export function itemsObject(items: readonly Item[], bad: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const item of items) {
    if (item.path.length === 0 || isInternalKey(item.path[0])) continue;
    const value = parsePythonJson(item.json);
    if (value === undefined) {
      bad.push(item.path.join('.'));
      continue;
    }
    let at = out;
    for (const part of item.path.slice(0, -1)) {
      const next = Object.hasOwn(at, part) ? at[part] : undefined;
      if (isObject(next)) at = next;
      else {
        const made: Record<string, unknown> = {};
        Object.defineProperty(at, part, { value: made, enumerable: true, writable: true, configurable: true });
        at = made;
      }
    }
    Object.defineProperty(at, item.path[item.path.length - 1], { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** config.yaml's shape: each key's value under `value:` (with `desc:` beside it); `wandb_version` and `_wandb` left out. */
export function configValues(doc: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!isObject(doc)) return out;
  for (const key of Object.keys(doc)) {
    if (key === 'wandb_version' || isInternalKey(key)) continue;
    const entry = doc[key];
    const value = isObject(entry) && Object.hasOwn(entry, 'value') ? entry.value : entry;
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** Summary JSON (wandb-summary.json or summary records) without internal keys and media. */
export function summaryValues(doc: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (!isObject(doc)) return out;
  for (const key of Object.keys(doc)) {
    if (isInternalKey(key) || isMedia(doc[key])) continue;
    Object.defineProperty(out, key, { value: doc[key], enumerable: true, writable: true, configurable: true });
  }
  return out;
}

export interface Metadata {
  argv: string[];
  cwd?: string;
  executable?: string;
  startTime?: number;
  env: { git?: { commit?: string; remote?: string }; python?: { version?: string; executable?: string }; os?: string; hostname?: string };
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** wandb-metadata.json: program and args (the command), git, host, python, os, start time. */
export function metadataValues(doc: unknown): Metadata {
  const out: Metadata = { argv: [], env: {} };
  if (!isObject(doc)) return out;
  const program = str(doc.program) ?? str(doc.codePath);
  const args = Array.isArray(doc.args) ? doc.args.filter((a): a is string => typeof a === 'string') : [];
  if (program !== undefined) out.argv = [program, ...args];
  out.cwd = str(doc.root);
  out.executable = str(doc.executable);
  const started = str(doc.startedAt);
  if (started !== undefined) {
    // W&B writes UTC without a zone ("2024-01-02T03:04:05.678901") in older versions.
    const t = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(started) ? started : `${started}Z`);
    if (Number.isFinite(t)) out.startTime = t / 1000;
  }
  if (isObject(doc.git)) {
    const git = { commit: str(doc.git.commit), remote: str(doc.git.remote) };
    if (git.commit !== undefined || git.remote !== undefined) out.env.git = Object.fromEntries(Object.entries(git).filter(([, v]) => v !== undefined));
  }
  const python = str(doc.python);
  if (python !== undefined || out.executable !== undefined) {
    out.env.python = {};
    if (python !== undefined) out.env.python.version = python.replace(/^CPython\s+/, '');
    if (out.executable !== undefined) out.env.python.executable = out.executable;
  }
  const os = str(doc.os);
  if (os !== undefined) out.env.os = os;
  const host = str(doc.host);
  if (host !== undefined) out.env.hostname = host;
  if (out.cwd === undefined) delete out.cwd;
  if (out.executable === undefined) delete out.executable;
  return out;
}
