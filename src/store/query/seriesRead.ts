// Reading one run's series for a request: the range, the steps after a point, downsampled.
import { columnsOf, type ChunkFilter } from '../index/chunkReader';
import { downsampleIndices, gather } from './downsample';
import type { IndexDb } from '../index/indexDb';
import { downsampleOverviews, overviewApplies } from '../index/overview';
import type { ReadScratch } from '../index/pointFiles';
import { dedupeSteps, type SeriesMeta } from '../index/seriesMeta';
import type { Series, SeriesRequest } from '../types';

/** `file` is the run's point file (see pointFiles.ts); reads go through `scratch`, and nothing returned points into it. */
export async function readSeries(db: Pick<IndexDb, 'fetchOverviews' | 'fetchChunks'>, runId: string, file: string | undefined, key: string, meta: SeriesMeta, req: SeriesRequest, byTime: boolean, scratch?: ReadScratch): Promise<Series> {
  if (meta.monotone && req.range === undefined && req.afterStep === undefined && overviewApplies(meta.count, req.points)) {
    // The full view of a long series, the common case: from the chunks' overviews alone.
    const d = downsampleOverviews(await db.fetchOverviews(runId, key, file, meta, scratch), req.points);
    if (d !== undefined) return { runId, key, ...d };
  }
  const [lo, hi] = req.range ?? [-Infinity, Infinity];
  const after = req.afterStep;
  // Chunk-level pruning is only sound when no later chunk can overwrite an earlier step.
  const filter: ChunkFilter = meta.monotone
    ? {
        ...(byTime ? {} : { stepMin: Math.max(lo, after !== undefined ? after + 1e-9 : -Infinity), stepMax: hi }),
        ...(byTime ? { timeMin: lo, timeMax: hi, ...(after !== undefined ? { stepMin: after + 1e-9 } : {}) } : {}),
      }
    : {};
  for (const k of Object.keys(filter) as Array<keyof ChunkFilter>) if (!Number.isFinite(filter[k])) delete filter[k];
  let cols = columnsOf(await db.fetchChunks(runId, key, file, filter, scratch));
  if (!meta.monotone) cols = dedupeSteps(cols.steps, cols.times, cols.values);
  let { steps, times, values } = cols;
  if (req.range !== undefined || after !== undefined) {
    const x = byTime ? times : steps;
    let k = 0;
    const keep = new Uint32Array(steps.length);
    for (let i = 0; i < steps.length; i++) {
      if (x[i] >= lo && x[i] <= hi && (after === undefined || steps[i] > after)) keep[k++] = i;
    }
    if (k !== steps.length) [steps, times, values] = gather(keep.subarray(0, k), steps, times, values);
  }
  const total = steps.length;
  const idx = downsampleIndices(values, req.points);
  if (idx.length !== total) [steps, times, values] = gather(idx, steps, times, values);
  return { runId, key, steps, times, values, total };
}
