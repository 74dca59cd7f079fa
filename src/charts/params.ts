// Params side by side: one row per key across runs, a key missing from a run shown as missing (not null).
import type { ParamRow } from '../contract/messages';
import { exactDigits } from '../core/format';
import { integerText } from '../store/ingest/floats';
import type { ExactInts, ParamValue } from '../store/types';

function same(a: ParamValue | undefined, b: ParamValue | undefined): boolean {
  return Object.is(a, b) || (typeof a === 'number' && typeof b === 'number' && a === b);
}

/** Two cells hold the same value: exact integers decide when either side has digits (equal doubles may differ). */
export function sameCell(row: ParamRow, i: number, j: number): boolean {
  const a = row.exact?.[i];
  const b = row.exact?.[j];
  if (a === undefined && b === undefined) return same(row.values[i], row.values[j]);
  return integerText(row.values[i], a) === integerText(row.values[j], b);
}

export function paramRows(runs: Array<{ params: Record<string, ParamValue>; exactInts?: ExactInts }>): ParamRow[] {
  const keys = [...new Set(runs.flatMap((r) => Object.keys(r.params)))].sort((a, b) => a.localeCompare(b));
  return keys.map((key) => {
    const values = runs.map((r) => (Object.hasOwn(r.params, key) ? r.params[key] : undefined));
    const row: ParamRow = { key, values, differs: false };
    const exact = runs.map((r) => (Object.hasOwn(r.params, key) ? exactDigits(r.exactInts?.params, key) : undefined));
    if (exact.some((d) => d !== undefined)) row.exact = exact;
    row.differs = values.some((_, i) => !sameCell(row, i, 0));
    return row;
  });
}

/** Numeric value of a param for plotting: numbers as they are, booleans as 0/1, anything else undefined. */
export function numericParam(v: ParamValue | undefined): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return undefined;
}
