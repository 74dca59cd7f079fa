// A metric series is stored as chunks of up to CHUNK_POINTS points, three columns per chunk:
// - steps: usually an arithmetic run (0,1,2… or 0,10,20…), stored as first step + stride and no blob;
//   otherwise a Float64Array blob.
// - times: Float64Array blob, unix ms, exact. (Float32 offsets from a chunk's first time were a quarter smaller,
//   but their rounding then depended on where chunks begin, so a run indexed live and the same run indexed at
//   once would differ in the last digits; with sealing on a live tail, boundaries differ between the two.)
// - values: Float64Array blob, exact (NaN and ±Infinity included).

import { crc32 } from 'node:zlib';
import { overviewLength, writeOverview } from './overview';

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

// A sealed chunk is stored in a point file as two parts, each opening with a 16-byte header: a tag, n, and a
// CRC-32 of the bytes after the header (then 4 zero bytes, so every part stays 8-aligned and is viewed in place):
// - its body: values (f64), times (f64) and, when they are not an arithmetic run, steps (f64);
// - its overview (see overview.ts), all a full view reads. A commit writes its bodies, then its overviews, so a
//   series' overviews sit side by side and a full view of it is one read.
// The tag and n catch a range that points at the wrong bytes or at zeros left by a lost write; the checksum
// catches bytes changed under the index (a disk error, another program), which would otherwise be drawn as data.
const SEAL_TAG = 0x4b435354;
const HEADER = 16;

export function bodyLength(n: number, explicitSteps: boolean): number {
  return HEADER + 16 * n + (explicitSteps ? 8 * n : 0);
}

export function overviewBytes(n: number): number {
  return HEADER + overviewLength(n);
}

/** Bytes from the start of a part to its n (overview spans are walked by reading it). */
export const N_OFFSET = 4;

/** Fills in the header of the part `into[at, at + length)`, whose payload is already written. */
function writeHeader(into: Uint8Array, at: number, n: number, length: number): void {
  const header = new DataView(into.buffer, into.byteOffset + at, HEADER);
  header.setUint32(0, SEAL_TAG, true);
  header.setUint32(N_OFFSET, n, true);
  header.setUint32(8, crc32(into.subarray(at + HEADER, at + length)), true);
  header.setUint32(12, 0, true);
}

/** Writes an encoded chunk's body into `body` at `at` and its overview into `ov` at `ovAt` (both 8-aligned). */
export function sealChunk(c: EncodedChunk, body: Uint8Array, at: number, ov: Uint8Array, ovAt: number): void {
  let p = at + HEADER;
  body.set(c.values, p);
  p += 8 * c.n;
  body.set(c.times, p);
  p += 8 * c.n;
  if (c.steps !== null) body.set(c.steps, p);
  writeHeader(body, at, c.n, bodyLength(c.n, c.steps !== null));
  const f64 = (bytes: Uint8Array) => new Float64Array(bytes.buffer, bytes.byteOffset, c.n);
  const slots = new Float64Array(ov.buffer, ov.byteOffset + ovAt + HEADER, overviewLength(c.n) / 8);
  writeOverview(f64(c.values), f64(c.times), c.steps === null ? null : f64(c.steps), c.step0, c.stride ?? 0, slots);
  writeHeader(ov, ovAt, c.n, overviewBytes(c.n));
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

/** Little-endian like writeHeader's DataView, read byte-wise: no view object per chunk on the read path. */
function word(bytes: Uint8Array, at: number): number {
  return (bytes[at] | (bytes[at + 1] << 8) | (bytes[at + 2] << 16) | (bytes[at + 3] << 24)) >>> 0;
}

function checkHeader(bytes: Uint8Array, n: number, length: number): void {
  if (bytes.length !== length || bytes.byteOffset % 8 !== 0) throw new Error('a sealed chunk has the wrong length');
  if (word(bytes, 0) !== SEAL_TAG || word(bytes, N_OFFSET) !== n) throw new Error('a sealed chunk has a damaged header');
  if (word(bytes, 8) !== crc32(bytes.subarray(HEADER))) throw new Error('a sealed chunk fails its checksum (its bytes changed after they were written)');
}

/** Views a sealed chunk read back from a point file; throws when the bytes are not the chunk the index expects. */
export function openSealed(bytes: Uint8Array, n: number, step0: number, stride: number | null): ChunkData {
  checkHeader(bytes, n, bodyLength(n, stride === null));
  const base = bytes.byteOffset + HEADER;
  const values = new Float64Array(bytes.buffer, base, n);
  const times = new Float64Array(bytes.buffer, base + 8 * n, n);
  const steps = stride === null ? new Float64Array(bytes.buffer, base + 16 * n, n) : null;
  return { n, step0, stride, steps, times, values };
}

/** Views the overview of a sealed chunk read back. */
export function openOverview(bytes: Uint8Array, n: number): Float64Array {
  checkHeader(bytes, n, overviewBytes(n));
  return new Float64Array(bytes.buffer, bytes.byteOffset + HEADER, overviewLength(n) / 8);
}

/** The overview of a chunk held in memory (an inline tail). */
export function overviewOf(c: ChunkData): Float64Array {
  const ov = new Float64Array(overviewLength(c.n) / 8);
  writeOverview(c.values, c.times, c.steps, c.step0, c.stride ?? 0, ov);
  return ov;
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
