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
  const parsed = parseYaml(text);
  if ('problem' in parsed) return parsed;
  if (!isRecord(parsed.value)) return { problem: 'should hold a mapping' };
  return { value: parsed.value };
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
