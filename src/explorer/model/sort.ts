// Sorting runs by any column. Runs without a value (or with NaN) always go last, whichever the direction:
// flipping the order should bring the other end of the data to the top, not the runs that lack the metric.
import type { SortKey } from '../../store/types';
import { durationMs } from '../filter/evaluate';
import type { ExplorerRun } from './run';

export interface SortSpec {
  key: SortKey;
  descending: boolean;
}

export const DEFAULT_SORT: SortSpec = { key: { kind: 'start' }, descending: true };

const STATUS_ORDER: Record<string, number> = { running: 0, crashed: 1, failed: 2, killed: 3, finished: 4 };

type Sortable = number | string | undefined;

function sortValue(run: ExplorerRun, key: SortKey, now: number): Sortable {
  switch (key.kind) {
    case 'start':
      return run.startTime;
    case 'duration':
      return durationMs(run, now);
    case 'name':
      return run.name.toLowerCase();
    case 'status':
      return STATUS_ORDER[run.status];
    case 'metric': {
      const v = run.metrics[key.key]?.last;
      return v === undefined || Number.isNaN(v) ? undefined : v;
    }
    case 'param': {
      const v = run.params[key.key];
      if (v === undefined || v === null) return undefined;
      if (typeof v === 'boolean') return v ? 1 : 0;
      if (typeof v === 'number') return Number.isNaN(v) ? undefined : v;
      return v;
    }
  }
}

function compareValues(a: Sortable, b: Sortable): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  // Mixed types (a param that is sometimes text): numbers before strings, as spreadsheets do.
  if (typeof a === 'number') return -1;
  if (typeof b === 'number') return 1;
  return String(a).localeCompare(String(b), undefined, { numeric: true });
}

/** A sorted copy; ties keep the newest run first, then the id, so the order is stable across refreshes. */
export function sortRuns(runs: readonly ExplorerRun[], spec: SortSpec, now: number = Date.now()): ExplorerRun[] {
  const keyed = runs.map((run) => ({ run, v: sortValue(run, spec.key, now) }));
  keyed.sort((x, y) => {
    const xm = x.v === undefined;
    const ym = y.v === undefined;
    if (xm !== ym) return xm ? 1 : -1;
    if (!xm && !ym) {
      const c = compareValues(x.v, y.v);
      if (c !== 0) return spec.descending ? -c : c;
    }
    return y.run.startTime - x.run.startTime || (x.run.id < y.run.id ? -1 : x.run.id > y.run.id ? 1 : 0);
  });
  return keyed.map((k) => k.run);
}

export function sortKeyLabel(key: SortKey): string {
  switch (key.kind) {
    case 'start':
      return 'start time';
    case 'duration':
      return 'duration';
    case 'name':
      return 'name';
    case 'status':
      return 'status';
    case 'metric':
      return key.key;
    case 'param':
      return `params.${key.key}`;
  }
}

export function describeSort(spec: SortSpec): string {
  return `${sortKeyLabel(spec.key)} ${spec.descending ? '↓' : '↑'}`;
}

/** Reads a sort spec back from workspace state, rejecting anything malformed. */
export function parseSortSpec(value: unknown): SortSpec | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const { key, descending } = value as { key?: unknown; descending?: unknown };
  if (!key || typeof key !== 'object' || typeof descending !== 'boolean') return undefined;
  const k = key as { kind?: unknown; key?: unknown };
  if (k.kind === 'start' || k.kind === 'duration' || k.kind === 'name' || k.kind === 'status') return { key: { kind: k.kind }, descending };
  if ((k.kind === 'metric' || k.kind === 'param') && typeof k.key === 'string' && k.key) return { key: { kind: k.kind, key: k.key }, descending };
  return undefined;
}
