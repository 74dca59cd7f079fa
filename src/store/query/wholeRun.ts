// Every point of every series of a run, not downsampled and not cached: what sharing a run (src/team) reads. One
// index query and one point-file read a run, instead of a query and a read per key through series().
import { columnsOf } from '../index/chunkReader';
import type { IndexDb } from '../index/indexDb';
import { dedupeSteps, type SeriesMeta } from '../index/seriesMeta';
import type { Series } from '../types';

/** `series` is the run's series metadata (which keys, and whether their steps only went up). */
export async function readWholeRun(db: IndexDb, runId: string, file: string | undefined, series: ReadonlyMap<string, SeriesMeta>): Promise<Series[]> {
  const chunks = await db.fetchRun(runId, file);
  const out: Series[] = [];
  for (const [key, meta] of series) {
    const list = chunks.get(key);
    if (list === undefined || meta.chunks === 0) continue;
    // Columns of their own: the chunks view one buffer of the whole run, let go when this returns.
    let cols = columnsOf(list);
    if (!meta.monotone) cols = dedupeSteps(cols.steps, cols.times, cols.values);
    out.push({ runId, key, ...cols, total: cols.steps.length });
  }
  return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
