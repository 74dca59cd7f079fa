// Param overrides: how typed text becomes a value, how overrides merge over a run's params, and the exact
// JSON that TRACKSIDE_CONFIG_OVERRIDES carries to the logger.
import type { ParamValue } from '../../store/types';

export type OverrideValue = string | number | boolean | null | OverrideValue[] | { [key: string]: OverrideValue };

export type ParsedInput = { value: OverrideValue; kind: string };

const SPECIAL: Record<string, number> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, '-Infinity': Number.NEGATIVE_INFINITY };

/** Text typed for a param: JSON where it is valid JSON (plus NaN/±Infinity), else the text as a string. */
export function parseParamInput(text: string): ParsedInput {
  const trimmed = text.trim();
  if (trimmed in SPECIAL) return { value: SPECIAL[trimmed] as number, kind: 'number' };
  if (trimmed !== '') {
    try {
      const value = JSON.parse(trimmed) as OverrideValue;
      return { value, kind: value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value };
    } catch {
      // Not JSON: the text is meant literally.
    }
  }
  return { value: text, kind: 'string' };
}

/** How a value is shown for editing, so that parsing the shown text gives the same value back. */
export function formatParamInput(value: OverrideValue): string {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  if (typeof value === 'string') {
    // A string that would parse as something else (`"0.1"`, `"true"`) is shown in JSON quotes.
    return parseParamInput(value).kind === 'string' && value.trim() === value ? value : JSON.stringify(value);
  }
  return toJson(value);
}

/** JSON text; NaN and ±Infinity as the bare tokens Python's json module reads. Keys are sorted when `sorted`. */
export function toJson(value: OverrideValue, sorted = false): string {
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'NaN';
    if (!Number.isFinite(value)) return value > 0 ? 'Infinity' : '-Infinity';
    return JSON.stringify(value);
  }
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map((v) => toJson(v, sorted)).join(',')}]`;
  const keys = Object.keys(value);
  if (sorted) keys.sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${toJson(value[k] as OverrideValue, sorted)}`).join(',')}}`;
}

/** Nested override objects flattened to dotted keys, as the store flattens params; arrays stay whole. */
export function flattenOverrides(overrides: Readonly<Record<string, OverrideValue>>): Record<string, OverrideValue> {
  const out: Record<string, OverrideValue> = {};
  const walk = (prefix: string, value: OverrideValue) => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0) {
      for (const [k, v] of Object.entries(value)) walk(prefix ? `${prefix}.${k}` : k, v);
    } else out[prefix] = value;
  };
  for (const [k, v] of Object.entries(overrides)) walk(k, v);
  return out;
}

/** A value as the store keeps a param: arrays and objects as JSON text. */
export function asParamValue(value: OverrideValue): ParamValue {
  return value !== null && typeof value === 'object' ? toJson(value) : value;
}

/** Params equal as configuration values: NaN equals NaN, and JSON text compares by meaning, not spacing. */
export function sameParamValue(a: ParamValue | OverrideValue | undefined, b: ParamValue | OverrideValue | undefined): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: ParamValue | OverrideValue | undefined): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') {
    const t = value.trim();
    if ((t.startsWith('[') && t.endsWith(']')) || (t.startsWith('{') && t.endsWith('}'))) {
      try {
        return `json:${toJson(JSON.parse(t) as OverrideValue, true)}`;
      } catch {
        // Not JSON after all: compare as text.
      }
    }
    return `s:${value}`;
  }
  if (value !== null && typeof value === 'object') return `json:${toJson(value, true)}`;
  return `v:${toJson(value)}`;
}

/** The run's params with the overrides applied: the configuration the rerun will log. */
export function effectiveParams(
  params: Readonly<Record<string, ParamValue>>,
  overrides: Readonly<Record<string, OverrideValue>>,
): Record<string, ParamValue> {
  const out: Record<string, ParamValue> = { ...params };
  for (const [k, v] of Object.entries(flattenOverrides(overrides))) out[k] = asParamValue(v);
  return out;
}

/** Keys whose value differs between two flattened configurations (either side missing counts). */
export function changedKeys(before: Readonly<Record<string, ParamValue>>, after: Readonly<Record<string, ParamValue>>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => !sameParamValue(before[k], after[k])).sort();
}

/** The TRACKSIDE_CONFIG_OVERRIDES value: a JSON object of dotted keys, in a stable order. */
export function overridesEnvValue(overrides: Readonly<Record<string, OverrideValue>>): string {
  return toJson(flattenOverrides(overrides), true);
}

/**
 * A stored param back as a value: the store keeps arrays (and objects) as JSON text, so text that is a JSON
 * array or object becomes that value again; everything else is unchanged.
 */
export function fromParamValue(value: ParamValue): OverrideValue {
  if (typeof value === 'string') {
    const t = value.trim();
    if ((t.startsWith('[') && t.endsWith(']')) || (t.startsWith('{') && t.endsWith('}'))) {
      try {
        return JSON.parse(t) as OverrideValue;
      } catch {
        // Plain text that happens to start with a bracket.
      }
    }
  }
  return value;
}
