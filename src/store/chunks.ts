// A metric series is stored as chunks of up to CHUNK_POINTS points, three columns per chunk:
// - steps: usually an arithmetic run (0,1,2… or 0,10,20…), stored as first step + stride and no blob;
//   otherwise a Float64Array blob.
// - times: Float64Array blob, unix ms, exact. (Float32 offsets from a chunk's first time were a quarter smaller,
//   but their rounding then depended on where chunks begin, so a run indexed live and the same run indexed at
//   once would differ in the last digits; with sealing on a live tail, boundaries differ between the two.)
// - values: Float64Array blob, exact (NaN and ±Infinity included).

export const CHUNK_POINTS = 4096;

export interface EncodedChunk {
  n: number;
  step0: number;
  /** Stride of an arithmetic step run, or null when `steps` holds them. */
  stride: number | null;
  steps: Uint8Array | null;
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

/** Encodes points [from, to). The blobs are views into the inputs: copy them before the inputs change. */
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
  let timeMin = Infinity;
  let timeMax = -Infinity;
  for (let i = 0; i < n; i++) {
    const time = times[from + i];
    if (time < timeMin) timeMin = time;
    if (time > timeMax) timeMax = time;
  }
  return {
    n,
    step0,
    stride,
    steps: stride === null ? bytesOf(steps.subarray(from, to)) : null,
    times: bytesOf(times.subarray(from, to)),
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

// A sealed chunk, as stored in a point file: an 8-byte header (a tag and n, so a range that points at the wrong
// bytes or at zeros left by a lost write is caught), then values (f64),
// times (f64) and, when they are not an arithmetic run, steps (f64). Every part is 8-aligned, so reads are viewed
// in place.
const SEAL_TAG = 0x4b435354;

export function sealedLength(n: number, explicitSteps: boolean): number {
  return 8 + 16 * n + (explicitSteps ? 8 * n : 0);
}

/** Writes an encoded chunk into `into` at `at` (8-aligned); returns its length. */
export function sealChunk(c: EncodedChunk, into: Uint8Array, at: number): number {
  const header = new DataView(into.buffer, into.byteOffset + at, 8);
  header.setUint32(0, SEAL_TAG, true);
  header.setUint32(4, c.n, true);
  let p = at + 8;
  into.set(c.values, p);
  p += 8 * c.n;
  into.set(c.times, p);
  p += 8 * c.n;
  if (c.steps !== null) {
    into.set(c.steps, p);
    p += 8 * c.n;
  }
  return p - at;
}

/** A chunk's columns, viewed over its stored bytes. */
export interface ChunkData {
  n: number;
  step0: number;
  stride: number | null;
  steps: Float64Array | null;
  times: Float64Array;
  values: Float64Array;
}

/** Views a sealed chunk read back from a point file; throws when the bytes are not the chunk the index expects. */
export function openSealed(bytes: Uint8Array, n: number, step0: number, stride: number | null): ChunkData {
  if (bytes.length !== sealedLength(n, stride === null) || bytes.byteOffset % 8 !== 0) throw new Error('a sealed chunk has the wrong length');
  const header = new DataView(bytes.buffer, bytes.byteOffset, 8);
  if (header.getUint32(0, true) !== SEAL_TAG || header.getUint32(4, true) !== n) throw new Error('a sealed chunk has a damaged header');
  const base = bytes.byteOffset + 8;
  const values = new Float64Array(bytes.buffer, base, n);
  const times = new Float64Array(bytes.buffer, base + 8 * n, n);
  const steps = stride === null ? new Float64Array(bytes.buffer, base + 16 * n, n) : null;
  return { n, step0, stride, steps, times, values };
}

/** A chunk kept in the index itself (the unsealed tail of a live series), viewed like a sealed one. */
export function openInline(row: { n: number; step0: number; stride: number | null; steps: Uint8Array | null; times: Uint8Array; values: Uint8Array }): ChunkData {
  const { n } = row;
  return {
    n,
    step0: row.step0,
    stride: row.stride,
    steps: row.stride === null && row.steps !== null ? view(row.steps, Float64Array, n) : null,
    times: view(row.times, Float64Array, n),
    values: view(row.values, Float64Array, n),
  };
}
