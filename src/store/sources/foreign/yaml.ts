// YAML from other tools (MLflow meta.yaml, Lightning hparams.yaml, W&B config.yaml) through the `yaml` package,
// with its alias limit: a "billion laughs" file expands to an error, not to gigabytes. Python tags
// (`!!python/object:…`, which Lightning writes for namespaces) are data here, never constructed.
import { parseDocument } from 'yaml';

/** Aliases one document may expand; far beyond any real config, far below a bomb. */
export const MAX_ALIASES = 100;
/** YAML files larger than this are not parsed (a config is kilobytes). */
export const MAX_YAML_BYTES = 4 << 20;

export type YamlResult = { value: unknown } | { problem: string; line?: number };

export function parseYaml(text: string): YamlResult {
  if (text.length > MAX_YAML_BYTES) return { problem: `YAML of ${text.length} bytes is over the ${MAX_YAML_BYTES >> 20} MB cap; not read` };
  try {
    const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: false, strict: false });
    const err = doc.errors[0];
    if (err !== undefined) return { problem: `not valid YAML (${oneLine(err.message)})`, ...(err.linePos?.[0].line === undefined ? {} : { line: err.linePos[0].line }) };
    return { value: doc.toJS({ maxAliasCount: MAX_ALIASES }) };
  } catch (err) {
    // The alias limit (and any other refusal while building values) throws.
    return { problem: `not read (${oneLine(err instanceof Error ? err.message : String(err))})` };
  }
}

function oneLine(s: string): string {
  const first = s.split('\n')[0] ?? '';
  return first.length > 160 ? `${first.slice(0, 159)}…` : first;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
