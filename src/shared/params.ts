// Params side by side: one row per key across runs, a key missing from a run shown as missing (not null). The one
// params diff: the compare view and the CLI's `compare` both list these rows, so they agree on order and on
// what differs.
import { exactDigits } from './format';

export type Param = string | number | boolean | null;

/** What a params diff reads of a run: its params, and the exact digits of those beyond ±2^53. */
export interface ParamSource {
  params: Readonly<Record<string, Param>>;
  exactInts?: { params?: Readonly<Record<string, string>> };
}

export interface ParamRow {
  key: string;
  /** One value per run, undefined where that run lacks the key (null is a logged value). */
  values: Array<Param | undefined>;
  differs: boolean;
  /**
   * Exact digits of integers beyond ±2^53 (`{"$int": …}` in the log) beside their doubles, one entry per run
   * (undefined where that run's value is not one); absent when no run has any. Show these, and compare cells
   * with sameCell, never by `values` alone: equal doubles may be different integers.
   */
  exact?: Array<string | undefined>;
}

/**
 * The exact decimal text of an integer value: its recorded digits, else the double's own exact value (2^64 is
 * `18446744073709551616`); undefined for anything that is not an integer. Compares a tagged value with a bare one.
 */
export function integerText(value: unknown, digits: string | undefined): string | undefined {
  if (digits !== undefined) return digits;
  return typeof value === 'number' && Number.isInteger(value) ? BigInt(value).toString() : undefined;
}

function same(a: Param | undefined, b: Param | undefined): boolean {
  return Object.is(a, b) || (typeof a === 'number' && typeof b === 'number' && a === b);
}

/** Two cells hold the same value: exact integers decide when either side has digits (equal doubles may differ). */
export function sameCell(row: ParamRow, i: number, j: number): boolean {
  const a = row.exact?.[i];
  const b = row.exact?.[j];
  if (a === undefined && b === undefined) return same(row.values[i], row.values[j]);
  return integerText(row.values[i], a) === integerText(row.values[j], b);
}

// Fixed locale, so the CLI in any terminal and the editor list keys alike.
const keyOrder = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/**
 * The order a reader scans param keys in: alphabetical ignoring case, numbers by value (`layer2` before
 * `layer10`); keys equal that way (`LR`, `lr`) by code point, so the order never depends on the input's.
 */
export function compareParamKeys(a: string, b: string): number {
  return keyOrder.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** The params diff of `runs` in their order; an undefined run (not in the index) has no params. */
export function paramRows(runs: ReadonlyArray<ParamSource | undefined>): ParamRow[] {
  const keys = [...new Set(runs.flatMap((r) => (r ? Object.keys(r.params) : [])))].sort(compareParamKeys);
  return keys.map((key) => {
    const values = runs.map((r) => (r && Object.hasOwn(r.params, key) ? r.params[key] : undefined));
    const row: ParamRow = { key, values, differs: false };
    const exact = runs.map((r) => (r && Object.hasOwn(r.params, key) ? exactDigits(r.exactInts?.params, key) : undefined));
    if (exact.some((d) => d !== undefined)) row.exact = exact;
    row.differs = values.some((_, i) => !sameCell(row, i, 0));
    return row;
  });
}

/** Numeric value of a param for plotting: numbers as they are, booleans as 0/1, anything else undefined. */
export function numericParam(v: Param | undefined): number | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return undefined;
}
