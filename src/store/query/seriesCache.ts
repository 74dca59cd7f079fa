// Downsampled series already served, so a chart that asks again (a second panel, a redraw, zooming back out)
// does not re-read and re-reduce 100k points per run. An entry is only valid for the SeriesMeta object it was
// computed from: the indexer replaces a run's meta objects on every commit (and drops them with the run), so an
// append, a truncation or a removal invalidates by identity, with no hook into the write path.
import type { SeriesMeta } from '../index/seriesMeta';
import type { Series, SeriesRequest } from '../types';

interface Entry {
  meta: SeriesMeta;
  series: Packed;
}

/** A kept series: its three columns side by side in one buffer (a first chart of 100 runs keeps 100 at once). */
interface Packed {
  runId: string;
  key: string;
  columns: Float64Array;
  total: number;
}

/** Enough for a few charts of 100 runs; a 2,000-point entry is ~50 KB. */
export const SERIES_CACHE_ENTRIES = 512;

export class SeriesCache {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly capacity = SERIES_CACHE_ENTRIES) {}

  /** Cache key of a request's view of one series; undefined for live-append requests, which are never repeated. */
  static keyOf(runId: string, key: string, req: SeriesRequest): string | undefined {
    if (req.afterStep !== undefined) return undefined;
    const range = req.range === undefined ? '' : `${req.range[0]}:${req.range[1]}`;
    return `${runId}\u0000${key}\u0000${req.points}\u0000${req.x ?? 'step'}\u0000${range}`;
  }

  /** A fresh copy of the cached series (callers may transfer or mutate what they get), if still valid for `meta`. */
  get(cacheKey: string, meta: SeriesMeta): Series | undefined {
    const e = this.entries.get(cacheKey);
    if (e === undefined) return undefined;
    this.entries.delete(cacheKey);
    if (e.meta !== meta) return undefined;
    this.entries.set(cacheKey, e); // most recently used last
    return unpack(e.series);
  }

  /** Keeps a copy of `series`, evicting the least recently used entry beyond capacity. */
  set(cacheKey: string, meta: SeriesMeta, series: Series): void {
    this.entries.delete(cacheKey);
    this.entries.set(cacheKey, { meta, series: pack(series) });
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value as string);
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}

function pack(s: Series): Packed {
  const n = s.values.length;
  const columns = new Float64Array(3 * n);
  columns.set(s.steps, 0);
  columns.set(s.times, n);
  columns.set(s.values, 2 * n);
  return { runId: s.runId, key: s.key, columns, total: s.total };
}

/** Each column in a buffer of its own: callers may transfer them one by one. */
function unpack(p: Packed): Series {
  const n = p.columns.length / 3;
  return { runId: p.runId, key: p.key, steps: p.columns.slice(0, n), times: p.columns.slice(n, 2 * n), values: p.columns.slice(2 * n), total: p.total };
}
