// Exponential moving average as TensorBoard draws it: debiased, so the first points are not pulled towards 0,
// and gaps (NaN, ±Infinity) are passed through without poisoning the points after them.

/** Smooths `values` with weight `w` in [0, 1); 0 returns a copy. Non-finite inputs stay as they are. */
export function ema(values: ArrayLike<number>, w: number): Float64Array {
  const out = new Float64Array(values.length);
  const weight = Number.isFinite(w) ? Math.min(Math.max(w, 0), 0.999) : 0;
  let last = 0;
  let debias = 0;
  for (let i = 0; i < values.length; i++) {
    const y = values[i]!;
    if (!Number.isFinite(y)) {
      out[i] = y;
      continue;
    }
    last = last * weight + (1 - weight) * y;
    debias = debias * weight + (1 - weight);
    out[i] = last / debias;
  }
  return out;
}
