// --json output keeps integers beyond ±2^53 exact: such a value is written as {"$int": "<digits>"}, the log
// format's own spelling, where the store holds its nearest double (and the digits in `exactInts`).
import { sameCell } from '../charts/params';
import type { ParamRow } from '../contract/messages';
import { exactDigits } from '../core/format';
import { intTag, setOwn, type ExactInts, type IntTag, type ParamValue, type ParamsDiffRow, type RunDetail, type RunSummary } from '../store';

type Tagged = ParamValue | IntTag;

export type ExactDiffRow = ParamsDiffRow & { exact?: Array<string | undefined> };

function tagValues(values: Record<string, ParamValue>, digits: Record<string, string> | undefined): Record<string, Tagged> {
  if (digits === undefined) return values;
  const out: Record<string, Tagged> = {};
  for (const key of Object.keys(values)) {
    const d = exactDigits(digits, key);
    setOwn(out, key, d !== undefined ? intTag(d) : (values[key] as ParamValue));
  }
  return out;
}

/** A run summary or detail for JSON: `{"$int": …}` in place of each rounded double, and no separate `exactInts`. */
export function runJson(run: RunSummary | RunDetail): unknown {
  const { exactInts, ...rest } = run;
  if (exactInts === undefined) return rest;
  const out: Record<string, unknown> = { ...rest, params: tagValues(run.params, exactInts.params), summary: tagValues(run.summary, exactInts.summary) };
  if ('overrides' in run) out.overrides = tagValues(run.overrides, exactInts.overrides);
  if ('env' in run && exactInts.seed !== undefined) out.env = { ...run.env, seed: intTag(exactInts.seed) };
  return out;
}

/** The digits of each run's value of `key`, or undefined when no run has any. */
function exactColumn(runs: ReadonlyArray<{ exactInts?: ExactInts }>, key: string): Array<string | undefined> | undefined {
  const digits = runs.map((r) => exactDigits(r.exactInts?.params, key));
  return digits.some((d) => d !== undefined) ? digits : undefined;
}

/**
 * A params diff with exact digits beside the values: `differs` is decided again where digits exist, since equal
 * doubles can be different integers.
 */
export function exactDiff(rows: ParamsDiffRow[], runs: ReadonlyArray<{ exactInts?: ExactInts }>): ExactDiffRow[] {
  return rows.map((row) => {
    const exact = exactColumn(runs, row.key);
    if (exact === undefined) return row;
    const cells: ParamRow = { key: row.key, values: row.values, differs: row.differs, exact };
    const present = (i: number): boolean => row.present?.[i] ?? true;
    const differs = row.differs || row.values.some((_, i) => present(i) !== present(0) || !sameCell(cells, i, 0));
    return { ...row, differs, exact };
  });
}

/** A diff row for JSON: values with digits become `{"$int": …}`. */
export function diffRowJson(row: ExactDiffRow): unknown {
  const { exact, ...rest } = row;
  if (exact === undefined) return rest;
  return { ...rest, values: row.values.map((v, i) => (exact[i] !== undefined ? intTag(exact[i] as string) : v)) };
}
