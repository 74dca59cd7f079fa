// Filtering, sorting and diffing over in-memory run summaries: 10,000 runs filter and sort in milliseconds,
// so listing never touches sqlite.
import { paramRows, type ParamSource } from '../../shared/params';
import type { ParamValue, ParamsDiffRow, RunQuery, RunSummary, SortKey } from '../types';
import { numericOrder } from './order';

export type Comparable = number | string | boolean | null | undefined;

function fieldValue(run: RunSummary, field: 'param' | 'metric', key: string): Comparable {
  if (field === 'param') return key in run.params ? run.params[key] : undefined;
  return run.metrics[key]?.last;
}

export function holds(actual: Comparable, op: NonNullable<RunQuery['where']>[number]['op'], expected: ParamValue): boolean {
  if (actual === undefined) return false;
  if (op === '=') return Object.is(actual, expected) || actual === expected;
  if (op === '!=') return !(Object.is(actual, expected) || actual === expected);
  if (actual === null || expected === null) return false;
  if (typeof actual !== typeof expected) return false;
  // NaN compares false with everything, which is the right answer for < and >.
  switch (op) {
    case '<':
      return actual < expected;
    case '<=':
      return actual <= expected;
    case '>':
      return actual > expected;
    case '>=':
      return actual >= expected;
  }
}

export function matches(run: RunSummary, q: RunQuery): boolean {
  if (q.status !== undefined && q.status.length > 0 && !q.status.includes(run.status)) return false;
  if (q.project !== undefined && run.project !== q.project) return false;
  if (q.tags !== undefined && !q.tags.every((t) => run.tags.includes(t))) return false;
  if (q.since !== undefined && !(run.startTime >= q.since)) return false;
  if (q.until !== undefined && !(run.startTime <= q.until)) return false;
  if (q.starred !== undefined && Boolean(run.starred) !== q.starred) return false;
  if (q.archived !== undefined && Boolean(run.archived) !== q.archived) return false;
  if (q.text !== undefined && q.text !== '') {
    const needle = q.text.toLowerCase();
    const hay = [run.id, run.name, run.project, run.group ?? '', run.notes ?? '', ...run.tags].join('\n').toLowerCase();
    if (!hay.includes(needle)) return false;
  }
  for (const w of q.where ?? []) if (!holds(fieldValue(run, w.field, w.key), w.op, w.value)) return false;
  return true;
}

/** Runs' duration in ms: to the end, or to the last record for a run still going (or that died). */
export function durationOf(run: RunSummary): number {
  return (run.endTime ?? run.lastUpdate) - run.startTime;
}

function sortValue(run: RunSummary, key: SortKey): Comparable {
  switch (key.kind) {
    case 'start':
      return run.startTime;
    case 'duration':
      return durationOf(run);
    case 'name':
      return run.name;
    case 'status':
      return run.status;
    case 'param':
      return fieldValue(run, 'param', key.key);
    case 'metric':
      return fieldValue(run, 'metric', key.key);
  }
}

const rank = (v: Comparable): number => (v === undefined || v === null || (typeof v === 'number' && Number.isNaN(v)) ? 3 : typeof v === 'number' ? 0 : typeof v === 'boolean' ? 1 : 2);
const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Compares for sorting: numbers, then booleans, then strings; missing and NaN always last. */
export function compareValues(a: Comparable, b: Comparable, descending: boolean): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (ra === 3) return 0;
  let c: number;
  if (ra === 2) c = collator.compare(a as string, b as string);
  else c = (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
  return descending ? -c : c;
}

export function queryRuns(runs: Iterable<RunSummary>, q: RunQuery = {}): RunSummary[] {
  const out: RunSummary[] = [];
  for (const r of runs) if (matches(r, q)) out.push(r);
  return sortRuns(out, q);
}

/** Matched runs in the query's order, then its limit; `given`: their sort values, when known already. */
export function sortRuns(out: RunSummary[], q: RunQuery, given?: Comparable[]): RunSummary[] {
  const key = q.sort?.key ?? { kind: 'start' };
  const descending = q.sort?.descending ?? (q.sort === undefined ? true : false);
  const n = out.length;
  // Each run's sort value computed once, beside it: a Map looked up twice per comparison was most of a sort.
  const values: Comparable[] = given ?? [];
  let numeric = true;
  for (let i = 0; i < n; i++) {
    const v = given === undefined ? sortValue(out[i], key) : given[i];
    if (given === undefined) values.push(v);
    if (typeof v !== 'number' || Number.isNaN(v)) numeric = false;
  }
  const byId = (a: RunSummary, b: RunSummary) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  let sorted: RunSummary[];
  if (numeric) {
    // All numbers (the common case, a metric or a time): ordered as compareValues would, without a comparator.
    const keys = new Float64Array(n);
    const ids: string[] = [];
    for (let i = 0; i < n; i++) {
      keys[i] = descending ? -(values[i] as number) : (values[i] as number);
      ids.push(out[i].id);
    }
    const order = numericOrder(keys, ids);
    sorted = [];
    for (let k = 0; k < n; k++) sorted.push(out[order[k]]);
  } else {
    const keyed = out.map((r, i) => ({ r, v: values[i] }));
    keyed.sort((a, b) => compareValues(a.v, b.v, descending) || byId(a.r, b.r));
    sorted = keyed.map((k) => k.r);
  }
  return q.limit !== undefined && q.limit >= 0 ? sorted.slice(0, q.limit) : sorted;
}

/**
 * One row per param key any run has, in the shared params order (src/shared/params.ts, as the compare view);
 * missing values are null and count as a difference.
 */
export function diffParams(runs: Array<ParamSource | undefined>): ParamsDiffRow[] {
  return paramRows(runs).map((row) => ({ key: row.key, values: row.values.map((v) => v ?? null), differs: row.differs, present: row.values.map((v) => v !== undefined) }));
}
