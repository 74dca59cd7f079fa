// Params side by side: one row per key across runs, a key missing from a run shown as missing (not null).
import type { ParamRow } from '../contract/messages';
import type { ParamValue } from '../store/types';

function same(a: ParamValue | undefined, b: ParamValue | undefined): boolean {
  return Object.is(a, b) || (typeof a === 'number' && typeof b === 'number' && a === b);
}

export function paramRows(runs: Array<{ params: Record<string, ParamValue> }>): ParamRow[] {
  const keys = [...new Set(runs.flatMap((r) => Object.keys(r.params)))].sort((a, b) => a.localeCompare(b));
  return keys.map((key) => {
    const values = runs.map((r) => (Object.hasOwn(r.params, key) ? r.params[key] : undefined));
    return { key, values, differs: values.some((v) => !same(v, values[0])) };
  });
}

/** Numeric value of a param for plotting: numbers as they are, booleans as 0/1, anything else undefined. */
export function numericParam(v: ParamValue | undefined): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return undefined;
}
