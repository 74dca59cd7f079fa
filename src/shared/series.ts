// One series as the store answers it and as a chart panel receives it: the same shape on both sides of the
// webview boundary, so a series crosses unchanged (typed arrays structured-clone as they are).
export interface Series {
  runId: string;
  key: string;
  /** Parallel arrays. `time` is unix ms. */
  steps: Float64Array;
  times: Float64Array;
  values: Float64Array;
  /** Points in the stored series before downsampling (within the range). */
  total: number;
}
