// Param overrides: how typed text becomes a value, how overrides merge over a run's params, and the exact
// JSON that TRACKSIDE_CONFIG_OVERRIDES carries to the logger.
import { intTag, intTagDigits, MAX_INT_DIGITS, needsDigits, type IntTag, type ParamValue } from '../../store';

/** An integer beyond ±2^53 is held as `{"$int": "<digits>"}`, the log format's spelling, which the logger reads back. */
export type OverrideValue = string | number | boolean | null | OverrideValue[] | { [key: string]: OverrideValue };

/** A param as the rerun works with it: the stored value, or `{"$int": …}` where the run logged exact digits. */
export type ExactParam = ParamValue | IntTag;

/** A run's params with their exact digits (the store's `exactInts`) put back as `{"$int": …}`. */
export function exactParams(params: Readonly<Record<string, ParamValue>>, digits: Readonly<Record<string, string>> | undefined): Record<string, ExactParam> {
  if (digits === undefined) return { ...params };
  const out: Record<string, ExactParam> = {};
  for (const key of Object.keys(params)) {
    const d = Object.hasOwn(digits, key) ? digits[key] : undefined;
    // defineProperty: a key named __proto__ stays an own key.
    Object.defineProperty(out, key, { value: d !== undefined ? intTag(d) : params[key], enumerable: true, writable: true, configurable: true });
  }
  return out;
}

// A JSON string, or a JSON number token (the string is matched first, so digits inside strings are left alone).
const JSON_TOKEN = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g;

/**
 * JSON.parse, except that an integer token beyond ±2^53 becomes `{"$int": "<digits>"}` instead of the double
 * JSON.parse would round it to: typed or stored text keeps every digit on its way to the logger.
 */
export function parseJsonExact(text: string): unknown {
  if (!/\d{16}/.test(text)) return JSON.parse(text);
  const tagged = text.replace(JSON_TOKEN, (token) => {
    // Leading zeros are not JSON: left alone, so the text still fails to parse as it did.
    if (!/^-?[1-9]\d*$/.test(token) || !needsDigits(token) || token.replace('-', '').length > MAX_INT_DIGITS) return token;
    return JSON.stringify(intTag(token));
  });
  return JSON.parse(tagged);
}

export type ParsedInput = { value: OverrideValue; kind: string };

const SPECIAL: Record<string, number> = { NaN: Number.NaN, Infinity: Number.POSITIVE_INFINITY, '-Infinity': Number.NEGATIVE_INFINITY };

/** Text typed for a param: JSON where it is valid JSON (plus NaN/±Infinity), else the text as a string. */
export function parseParamInput(text: string): ParsedInput {
  const trimmed = text.trim();
  if (trimmed in SPECIAL) return { value: SPECIAL[trimmed] as number, kind: 'number' };
  if (trimmed !== '') {
    try {
      const value = parseJsonExact(trimmed) as OverrideValue;
      if (intTagDigits(value) !== undefined) return { value, kind: 'integer' };
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
  // Bare digits: they parse back to the same `$int`.
  const digits = intTagDigits(value);
  if (digits !== undefined) return digits;
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
    if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0 && intTagDigits(value) === undefined) {
      for (const [k, v] of Object.entries(value)) walk(prefix ? `${prefix}.${k}` : k, v);
    } else out[prefix] = value;
  };
  for (const [k, v] of Object.entries(overrides)) walk(k, v);
  return out;
}

/** A value as the store keeps a param: arrays and objects as JSON text; an `$int` stays one value. */
export function asParamValue(value: OverrideValue): ExactParam {
  if (value === null || typeof value !== 'object') return value;
  const digits = intTagDigits(value);
  return digits !== undefined ? intTag(digits) : toJson(value);
}

/**
 * Params equal as configuration values: NaN equals NaN, JSON text compares by meaning, not spacing, and an
 * integer compares by its exact value (`{"$int": "5"}` is 5; two integers one double apart differ).
 */
export function sameParamValue(a: ParamValue | OverrideValue | undefined, b: ParamValue | OverrideValue | undefined): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: ParamValue | OverrideValue | undefined): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') {
    const t = value.trim();
    if ((t.startsWith('[') && t.endsWith(']')) || (t.startsWith('{') && t.endsWith('}'))) {
      try {
        return `json:${toJson(parseJsonExact(t) as OverrideValue, true)}`;
      } catch {
        // Not JSON after all: compare as text.
      }
    }
    return `s:${value}`;
  }
  const digits = intTagDigits(value);
  if (digits !== undefined) return `i:${BigInt(digits).toString()}`;
  if (typeof value === 'number' && Number.isInteger(value)) return `i:${BigInt(value).toString()}`;
  if (value !== null && typeof value === 'object') return `json:${toJson(value, true)}`;
  return `v:${toJson(value)}`;
}

/** The run's params with the overrides applied: the configuration the rerun will log. */
export function effectiveParams(
  params: Readonly<Record<string, ExactParam>>,
  overrides: Readonly<Record<string, OverrideValue>>,
): Record<string, ExactParam> {
  const out: Record<string, ExactParam> = { ...params };
  for (const [k, v] of Object.entries(flattenOverrides(overrides))) out[k] = asParamValue(v);
  return out;
}

/** Keys whose value differs between two flattened configurations (either side missing counts). */
export function changedKeys(before: Readonly<Record<string, ExactParam>>, after: Readonly<Record<string, ExactParam>>): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => !sameParamValue(before[k], after[k])).sort();
}

/** The TRACKSIDE_CONFIG_OVERRIDES value: a JSON object of dotted keys, in a stable order. */
export function overridesEnvValue(overrides: Readonly<Record<string, OverrideValue>>): string {
  return toJson(flattenOverrides(overrides), true);
}

/**
 * A stored param back as a value: the store keeps arrays (and objects) as JSON text, so text that is a JSON
 * array or object becomes that value again; `digits` (the store's exact digits for this key) become
 * `{"$int": …}`, never the rounded double; everything else is unchanged.
 */
export function fromParamValue(value: ExactParam, digits?: string): OverrideValue {
  if (digits !== undefined) return intTag(digits);
  if (typeof value === 'string') {
    const t = value.trim();
    if ((t.startsWith('[') && t.endsWith(']')) || (t.startsWith('{') && t.endsWith('}'))) {
      try {
        return parseJsonExact(t) as OverrideValue;
      } catch {
        // Plain text that happens to start with a bracket.
      }
    }
  }
  return value;
}
