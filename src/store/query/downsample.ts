// Min/max-per-bucket downsampling. Unlike averaging it never hides a spike, and unlike LTTB it is one linear
// pass with no floating-point area maths, so 10 M points reduce in a few milliseconds.

/** The smallest target we honour: first, last, global min and global max need four points. */
export const MIN_POINTS = 4;

/**
 * Indices (ascending) of at most max(target, MIN_POINTS) points of `values` that keep the first point, the
 * last point, and the minimum and maximum of every bucket, hence the global extremes. NaN values never win a
 * bucket; a bucket of only NaN keeps one NaN point so gaps stay visible.
 */
export function downsampleIndices(values: ArrayLike<number>, target: number): Uint32Array {
  const n = values.length;
  const limit = Math.max(Math.floor(target) || 0, MIN_POINTS);
  if (n <= limit) {
    const all = new Uint32Array(n);
    for (let i = 0; i < n; i++) all[i] = i;
    return all;
  }
  // first + last + two per bucket over the interior points
  const buckets = Math.floor((limit - 2) / 2);
  const out = new Uint32Array(limit);
  let k = 0;
  out[k++] = 0;
  const interior = n - 2;
  for (let b = 0; b < buckets; b++) {
    const from = 1 + Math.floor((b * interior) / buckets);
    const to = 1 + Math.floor(((b + 1) * interior) / buckets);
    // Sentinels instead of a NaN test per point: NaN compares false either way, so it never wins. The price is
    // that a bucket whose only non-NaN values are +Infinity never sets `lo` (nor -Infinity `hi`); the fix-up
    // below restores "first index of the bucket's minimum / maximum" exactly. This loop is most of series().
    let lo = -1;
    let hi = -1;
    let loV = Infinity;
    let hiV = -Infinity;
    for (let i = from; i < to; i++) {
      const v = values[i];
      if (v < loV) {
        lo = i;
        loV = v;
      }
      if (v > hiV) {
        hi = i;
        hiV = v;
      }
    }
    if (lo < 0) lo = hi;
    else if (hi < 0) hi = lo;
    if (lo < 0) {
      if (from < to) out[k++] = from;
    } else if (lo === hi) {
      out[k++] = lo;
    } else if (lo < hi) {
      out[k++] = lo;
      out[k++] = hi;
    } else {
      out[k++] = hi;
      out[k++] = lo;
    }
  }
  out[k++] = n - 1;
  return out.subarray(0, k);
}

/** Picks `indices` out of parallel columns. */
export function gather(indices: Uint32Array, ...columns: Float64Array[]): Float64Array[] {
  return columns.map((c) => {
    const out = new Float64Array(indices.length);
    for (let i = 0; i < indices.length; i++) out[i] = c[indices[i]];
    return out;
  });
}
