// Reading one run's series from the index for a request: the range, the steps after a point, downsampled.
import { CHUNK_POINTS } from './chunks';
import { downsampleIndices, gather } from './downsample';
import { stepsAndTimes } from './chunkReader';
import type { IndexDb } from './indexDb';
import { dedupeSteps, type SeriesMeta } from './seriesMeta';
import type { Series, SeriesRequest } from './types';

export function readSeries(db: IndexDb, runId: string, key: string, meta: SeriesMeta, req: SeriesRequest, byTime: boolean): Series {
  if (meta.monotone && req.range === undefined && req.afterStep === undefined) {
    // The full view, the common case: decode only the values, then steps and times of the points kept.
    const lazy = db.readValues(runId, key, meta.chunks * CHUNK_POINTS);
    if (lazy !== undefined) {
      const idx = downsampleIndices(lazy.values, req.points);
      const { steps, times } = stepsAndTimes(lazy, idx);
      const [values] = gather(idx, lazy.values);
      return { runId, key, steps, times, values, total: lazy.values.length };
    }
  }
  const [lo, hi] = req.range ?? [-Infinity, Infinity];
  const after = req.afterStep;
  // Chunk-level pruning is only sound when no later chunk can overwrite an earlier step.
  const filter = meta.monotone
    ? {
        ...(byTime ? {} : { stepMin: Math.max(lo, after !== undefined ? after + 1e-9 : -Infinity), stepMax: hi }),
        ...(byTime ? { timeMin: lo, timeMax: hi, ...(after !== undefined ? { stepMin: after + 1e-9 } : {}) } : {}),
      }
    : {};
  for (const k of Object.keys(filter) as Array<keyof typeof filter>) if (!Number.isFinite(filter[k])) delete filter[k];
  let cols = db.readChunks(runId, key, meta.chunks * CHUNK_POINTS, filter);
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
  else [steps, times, values] = [steps.slice(), times.slice(), values.slice()];
  return { runId, key, steps, times, values, total };
}
