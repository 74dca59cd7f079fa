// The small YAML files of MLflow's store, read once where they used to be read over and over: a run's meta.yaml
// is read by the scan (which must know whether the run was deleted) and handed to the reader of the same pass
// instead of being read again, and an experiment's meta.yaml is read and parsed once per version, not once per
// run (a store of 1,000 runs in one experiment read it 1,000 times per cold pass). Both go by the size and mtime
// the pass listed, as every other change check does.
import { readWhole } from '../foreign/files';
import { isRecord, parseYaml } from '../foreign/yaml';

/** A meta.yaml as the reader uses it: its mapping, or why there is none (with the YAML's line when known). */
export type MetaYaml = { value: Record<string, unknown> } | { problem: string; line?: number };

export function metaOf(text: string): MetaYaml {
  const flat = flatMeta(text);
  if (flat !== undefined) return { value: flat };
  const parsed = parseYaml(text);
  if ('problem' in parsed) return parsed;
  if (!isRecord(parsed.value)) return { problem: 'should hold a mapping' };
  return { value: parsed.value };
}

const FLAT_LINE = /^([a-z_][a-z0-9_]*): (.*)$/;
const SMALL_INT = /^-?(?:0|[1-9]\d{0,14})$/;
/** A plain scalar YAML's core schema reads as a string: starts with a letter or `/`, no space, `#` or trailing `:`. */
const PLAIN_TEXT = /^[A-Za-z/][A-Za-z0-9_./:@+-]*$/;
const NOT_TEXT = /^(?:null|Null|NULL|true|True|TRUE|false|False|FALSE)$|:$/;
/**
 * A word that starts with a digit and holds a letter: most of MLflow's run ids (32 hex digits). The core schema
 * reads it as a string unless it is a float written without a point (`12e3`) or a hex or octal integer.
 */
const DIGIT_WORD = /^[0-9][0-9A-Za-z]*[A-Za-z][0-9A-Za-z]*$/;
const NUMBER_WORD = /^(?:[0-9]+[eE][0-9]+|0[xXoObB].*)$/;
const NO = Symbol('not flat');

/**
 * The mapping of a meta.yaml as MLflow writes it (one `key: scalar` per line: plain words, run ids and paths, ''
 * quoted text, integers, null, []), read without the YAML parser, which cost about 1.5 ms a run on the indexer's thread.
 * Undefined for anything else (comments, other quoting, floats, duplicate keys, blank lines, CRLF): the parser
 * reads that. What it returns is what the parser returns (metaFiles.test.ts).
 */
export function flatMeta(text: string): Record<string, unknown> | undefined {
  if (text.length === 0 || text.length > 64 << 10) return undefined;
  const out: Record<string, unknown> = {};
  for (let start = 0; start < text.length; ) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const m = FLAT_LINE.exec(text.slice(start, end));
    if (m === null || Object.hasOwn(out, m[1])) return undefined;
    const v = flatScalar(m[2]);
    if (v === NO) return undefined;
    out[m[1]] = v;
    start = end + 1;
  }
  return out;
}

function flatScalar(raw: string): unknown {
  if (raw === 'null') return null;
  if (raw === '[]') return [];
  if (raw.length >= 2 && raw.startsWith("'") && raw.indexOf("'", 1) === raw.length - 1) return raw.slice(1, -1);
  if (SMALL_INT.test(raw)) return Number(raw);
  if (PLAIN_TEXT.test(raw) && !NOT_TEXT.test(raw)) return raw;
  if (DIGIT_WORD.test(raw) && !NUMBER_WORD.test(raw)) return raw;
  return NO;
}

interface Version {
  size: number;
  mtimeMs: number;
}

const handed = new Map<string, Version & { text: string }>();
/** Texts waiting for their reader: a pass scans a batch of runs, then reads them; anything older is dropped. */
const MAX_HANDED = 4096;

/** Reads a run's meta.yaml for the scan, and keeps its text for that run's reader. Undefined when unreadable. */
export async function readRunMeta(path: string, v: Version): Promise<string | undefined> {
  const got = await readWhole(path, v.size);
  if ('problem' in got) return undefined;
  if (handed.size >= MAX_HANDED) handed.delete(handed.keys().next().value as string);
  handed.set(path, { size: v.size, mtimeMs: v.mtimeMs, text: got.text });
  return got.text;
}

/** The text the scan read of this version of a run's meta.yaml, once; undefined when it has none. */
export function takeRunMeta(path: string, v: Version): string | undefined {
  const h = handed.get(path);
  if (h === undefined) return undefined;
  handed.delete(path);
  return h.size === v.size && h.mtimeMs === v.mtimeMs ? h.text : undefined;
}

const experiments = new Map<string, Version & { meta: Promise<MetaYaml> }>();
const MAX_EXPERIMENTS = 10_000;

/** An experiment's meta.yaml, parsed once per version; a read that failed is tried again by the next run. */
export function experimentMeta(path: string, v: Version): Promise<MetaYaml> {
  const hit = experiments.get(path);
  if (hit !== undefined && hit.size === v.size && hit.mtimeMs === v.mtimeMs) return hit.meta;
  const meta = readWhole(path, v.size).then((got): MetaYaml => {
    if ('text' in got) return metaOf(got.text);
    if (experiments.get(path)?.meta === meta) experiments.delete(path);
    return { problem: got.problem };
  });
  if (experiments.size >= MAX_EXPERIMENTS) experiments.clear();
  experiments.set(path, { size: v.size, mtimeMs: v.mtimeMs, meta });
  return meta;
}
