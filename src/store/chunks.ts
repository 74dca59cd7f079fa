// A metric series is stored as chunks of up to CHUNK_POINTS points, three columns per chunk:
// - steps: usually an arithmetic run (0,1,2… or 0,10,20…), stored as first step + stride and no blob;
//   otherwise a Float64Array blob.
// - times: Float32 offsets in ms from the chunk's first time (t0, a float64). Sub-millisecond precision
//   across hours is more than a chart needs and saves a third of the index.
// - values: Float64Array blob, exact (NaN and ±Infinity included).

export const CHUNK_POINTS = 4096;

export interface EncodedChunk {
  n: number;
  step0: number;
  /** Stride of an arithmetic step run, or null when `steps` holds them. */
  stride: number | null;
  steps: Uint8Array | null;
  t0: number;
  times: Uint8Array;
  values: Uint8Array;
  stepMin: number;
  stepMax: number;
  timeMin: number;
  timeMax: number;
}

function bytesOf(a: Float64Array | Float32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** Reused for time offsets: the encoded chunk is bound (copied into sqlite) before the next one is made. */
const scratch = new Float32Array(CHUNK_POINTS);

/** Encodes points [from, to). The blobs are views into the inputs and a shared scratch: bind them before encoding again. */
export function encodeChunk(steps: Float64Array, times: Float64Array, values: Float64Array, from: number, to: number): EncodedChunk {
  const n = to - from;
  const step0 = steps[from];
  let stride: number | null = n > 1 ? steps[from + 1] - step0 : 0;
  let stepMin = step0;
  let stepMax = step0;
  for (let i = from + 1; i < to; i++) {
    const s = steps[i];
    if (stride !== null && s !== step0 + (i - from) * stride) stride = null;
    if (s < stepMin) stepMin = s;
    if (s > stepMax) stepMax = s;
  }
  let t0 = NaN;
  for (let i = from; i < to && Number.isNaN(t0); i++) t0 = times[i];
  if (Number.isNaN(t0)) t0 = 0;
  const t = n <= scratch.length ? scratch.subarray(0, n) : new Float32Array(n);
  let timeMin = Infinity;
  let timeMax = -Infinity;
  for (let i = 0; i < n; i++) {
    const time = times[from + i];
    t[i] = time - t0;
    if (time < timeMin) timeMin = time;
    if (time > timeMax) timeMax = time;
  }
  return {
    n,
    step0,
    stride,
    steps: stride === null ? bytesOf(steps.subarray(from, to)) : null,
    t0,
    times: bytesOf(t),
    values: bytesOf(values.subarray(from, to)),
    stepMin,
    stepMax,
    timeMin: timeMin === Infinity ? NaN : timeMin,
    timeMax: timeMax === -Infinity ? NaN : timeMax,
  };
}

/** A blob from sql.js as a typed array; copies only when the bytes are not aligned for it. */
function view<T extends Float64Array | Float32Array>(bytes: Uint8Array, Type: { new (b: ArrayBuffer, o: number, l: number): T; new (n: number): T; BYTES_PER_ELEMENT: number }, n: number): T {
  if (bytes.byteOffset % Type.BYTES_PER_ELEMENT === 0 && bytes.byteLength >= n * Type.BYTES_PER_ELEMENT) {
    return new Type(bytes.buffer as ArrayBuffer, bytes.byteOffset, n);
  }
  const out = new Type(n);
  new Uint8Array(out.buffer).set(bytes.subarray(0, Math.min(bytes.byteLength, n * Type.BYTES_PER_ELEMENT)));
  return out;
}

/** Decodes a stored chunk into the columns at `at`. */
export function decodeChunkInto(
  row: { n: number; step0: number; stride: number | null; steps: Uint8Array | null; t0: number; times: Uint8Array; values: Uint8Array },
  steps: Float64Array,
  times: Float64Array,
  values: Float64Array,
  at: number,
): void {
  const { n } = row;
  if (row.stride === null && row.steps !== null) {
    steps.set(view(row.steps, Float64Array, n), at);
  } else {
    const stride = row.stride ?? 0;
    for (let i = 0; i < n; i++) steps[at + i] = row.step0 + i * stride;
  }
  const t = view(row.times, Float32Array, n);
  const t0 = row.t0;
  for (let i = 0; i < n; i++) times[at + i] = t0 + t[i];
  values.set(view(row.values, Float64Array, n), at);
}
