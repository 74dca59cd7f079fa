// --json output keeps integers beyond ±2^53 exact: such a value is written as {"$int": "<digits>"}, the log
// format's own spelling, where the store holds its nearest double (and the digits in `exactInts`).
import type { ParamRow } from '../shared/params';
import { exactDigits } from '../shared/format';
import { intTag, setOwn, type IntTag, type ParamValue, type RunDetail, type RunSummary } from '../store';

type Tagged = ParamValue | IntTag;

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

/** A params diff row for JSON: every run's value (null where missing, `{"$int": …}` where digits exist) and which runs have the key. */
export function diffRowJson(row: ParamRow): unknown {
  return {
    key: row.key,
    values: row.values.map((v, i) => (row.exact?.[i] !== undefined ? intTag(row.exact[i] as string) : (v ?? null))),
    differs: row.differs,
    present: row.values.map((v) => v !== undefined),
  };
}
