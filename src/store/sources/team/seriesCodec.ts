// series.bin: every metric series of a run in a compact, lossless binary form that git's zlib shrinks further.
// Layout (counts are LEB128 varints): "TSS1", series count, then per series its key (length + UTF-8), its point
// count and three columns (steps, times in ms, values). A column is either
//   0 DECIMAL: used when every value reads back exactly as s / 10^k for a small integer s (steps, millisecond
//     times, values logged with a few significant digits: most of them). Each value has its own k (the fewest
//     decimals that give it back), stored once when all share it, else as a column; s is stored as the residual
//     from a prediction at that scale (order 1: the previous value; order 2: the line through the previous two,
//     whichever is smaller), zigzagged to w bytes, byte plane by byte plane (all lowest bytes, then the next, …)
//     so zlib sees the nearly constant high planes apart from the noisy low ones;
//   2 REPEAT (steps and times only): the same column as the series before, as keys logged together have;
//   1 FLOAT64: the doubles' 8 bytes, byte-plane by byte-plane, so the sign/exponent planes compress well; NaN,
//     ±Infinity and -0 keep their bits.
// Decoding treats the bytes as untrusted: every length is checked against what is left and against caps.

export interface SeriesColumns {
  key: string;
  steps: Float64Array;
  times: Float64Array;
  values: Float64Array;
}

const MAGIC = [0x54, 0x53, 0x53, 0x31]; // "TSS1"
const MAX_EXP = 17;
// Second-order deltas of m stay within ±2^52, so their zigzag (2|d|) is an exact double.
const MAX_M = 2 ** 50;
const TWO32 = 2 ** 32;
/** Column kind 2: the same column as the series before (steps and times of keys logged together). */
const REPEAT = 2;
/** What each byte of a residual is worth (exact: z < 2^56). */
const BYTE_WEIGHT = Array.from({ length: 8 }, (_, b) => 2 ** (8 * b));
/** Residuals written as varints before the planes. */
const HEAD = 2;
export const MAX_SERIES = 10_000;
export const MAX_KEY_BYTES = 1024;

class Writer {
  private buf = new Uint8Array(1 << 16);
  length = 0;

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }

  byte(b: number): void {
    this.room(1);
    this.buf[this.length++] = b;
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }

  /** A non-negative integer up to 2^53. */
  varint(n: number): void {
    this.room(8);
    while (n >= 0x80) {
      this.buf[this.length++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.buf[this.length++] = n;
  }

  done(): Buffer {
    return Buffer.from(this.buf.buffer, 0, this.length);
  }
}

/**
 * Decimals k (0…17) with v = round(v·10^k) / 10^k exactly and a small enough mantissa: `hint` (the previous
 * value's) when it works, since a series mostly keeps one scale and that predicts best, else the fewest.
 */
function decimalsOf(v: number, hint: number): number {
  if (hint >= 0 && hint <= MAX_EXP) {
    const m = Math.round(v * POW10[hint]);
    if (m / POW10[hint] === v && Math.abs(m) <= MAX_M && !Object.is(v, -0)) return hint;
  }
  if (Number.isNaN(v)) return K_NAN;
  if (v === Infinity) return K_INF;
  if (v === -Infinity) return K_NEG_INF;
  if (Object.is(v, -0)) return K_NEG_ZERO;
  for (let k = 0; k <= MAX_EXP; k++) {
    const scale = POW10[k];
    const m = Math.round(v * scale);
    if (Math.abs(m) > MAX_M) return -1;
    if (m / scale === v) return k;
  }
  return -1;
}

const POW10 = Array.from({ length: MAX_EXP + 1 }, (_, k) => 10 ** k);
// Per-value k codes for the values no decimal spells (a diverging loss): stored with a zero residual.
const K_NAN = 20;
const K_INF = 21;
const K_NEG_INF = 22;
const K_NEG_ZERO = 23;
const SPECIALS = [NaN, Infinity, -Infinity, -0];

/** The prediction of value i at scale 10^k from the values before it; the decoder computes the same doubles. */
function predict(out: Float64Array, i: number, order: number, scale: number): number {
  if (i === 0) return 0;
  const guess = order === 2 && i > 1 ? 2 * out[i - 1] - out[i - 2] : out[i - 1];
  const p = Math.round(guess * scale);
  return Number.isFinite(p) && Math.abs(p) <= MAX_M ? p : 0;
}

const zigzag = (d: number) => (d >= 0 ? d * 2 : -d * 2 - 1);

interface Residuals {
  z: Float64Array;
  bits: number;
  max: number;
}

const bitsOf = (r: number) => (r < TWO32 ? 32 - Math.clz32(r) : 32 + Math.log2(r / TWO32 + 1));

/**
 * The residuals of both predictions (order 1 and 2) in one pass: each value is scaled and rounded once, and the
 * predictions are the very doubles predict() gives the decoder.
 */
function residuals(values: Float64Array, ks: Int8Array): [Residuals, Residuals] {
  const n = values.length;
  const z1 = new Float64Array(n);
  const z2 = new Float64Array(n);
  let bits1 = 0;
  let bits2 = 0;
  let max1 = 0;
  let max2 = 0;
  for (let i = 0; i < n; i++) {
    if (ks[i] > MAX_EXP) continue;
    const scale = POW10[ks[i]];
    const m = Math.round(values[i] * scale);
    const r1 = zigzag(m - predict(values, i, 1, scale));
    const r2 = i > 1 ? zigzag(m - predict(values, i, 2, scale)) : r1;
    z1[i] = r1;
    z2[i] = r2;
    if (r1 > max1) max1 = r1;
    if (r2 > max2) max2 = r2;
    bits1 += bitsOf(r1);
    bits2 += bitsOf(r2);
  }
  return [
    { z: z1, bits: bits1, max: max1 },
    { z: z2, bits: bits2, max: max2 },
  ];
}

function writePlanes(w: Writer, z: Float64Array, width: number): void {
  const n = z.length;
  const planes = new Uint8Array(n * width);
  for (let i = 0; i < n; i++) {
    const lo = z[i] % TWO32;
    const hi = Math.floor(z[i] / TWO32);
    for (let b = 0; b < width; b++) planes[b * n + i] = b < 4 ? (lo >>> (8 * b)) & 0xff : (hi >>> (8 * (b - 4))) & 0xff;
  }
  w.bytes(planes);
}

function writeColumn(w: Writer, values: Float64Array): void {
  const n = values.length;
  const ks = new Int8Array(n);
  let decimal = true;
  let sameK = true;
  for (let i = 0; i < n && decimal; i++) {
    ks[i] = decimalsOf(values[i], i === 0 ? 0 : ks[i - 1]);
    decimal = ks[i] >= 0;
    sameK &&= ks[i] === ks[0];
  }
  if (decimal) {
    const [first, second] = residuals(values, ks);
    const best = second.bits < first.bits ? second : first;
    if (best.max <= 2 ** 53) {
      // The first two residuals (a start value and a first delta) go as varints; the rest in planes, often of
      // width 0 (steps and regular times: every later second-order residual is zero).
      let rest = 0;
      for (let i = HEAD; i < n; i++) if (best.z[i] > rest) rest = best.z[i];
      let width = 0;
      while (width < 7 && rest >= 2 ** (8 * width)) width++;
      w.byte(0);
      w.byte(best === second ? 2 : 1);
      w.byte(width);
      if (sameK) {
        w.byte(0);
        w.byte(n === 0 ? 0 : ks[0]);
      } else {
        w.byte(1);
        w.bytes(new Uint8Array(ks.buffer, ks.byteOffset, n));
      }
      for (let i = 0; i < Math.min(HEAD, n); i++) w.varint(best.z[i]);
      writePlanes(w, best.z.subarray(Math.min(HEAD, n)), width);
      return;
    }
  }
  w.byte(1);
  const raw = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const planes = new Uint8Array(raw.length);
  for (let i = 0; i < n; i++) for (let b = 0; b < 8; b++) planes[b * n + i] = raw[i * 8 + b];
  w.bytes(planes);
}

export function encodeSeries(series: readonly SeriesColumns[]): Buffer {
  const w = new Writer();
  for (const b of MAGIC) w.byte(b);
  w.varint(series.length);
  let prev: SeriesColumns | undefined;
  for (const s of series) {
    const key = Buffer.from(s.key, 'utf8');
    w.varint(key.length);
    w.bytes(key);
    w.varint(s.steps.length);
    // Keys logged together share their steps and times: said once, then "same as the series before".
    if (prev !== undefined && sameValues(prev.steps, s.steps)) w.byte(REPEAT);
    else writeColumn(w, s.steps);
    if (prev !== undefined && sameValues(prev.times, s.times)) w.byte(REPEAT);
    else writeColumn(w, s.times);
    writeColumn(w, s.values);
    prev = s;
  }
  return w.done();
}

function sameValues(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

export class CodecError extends Error {}

class Reader {
  pos = 0;
  constructor(private readonly buf: Uint8Array) {}

  left(): number {
    return this.buf.length - this.pos;
  }

  byte(): number {
    if (this.pos >= this.buf.length) throw new CodecError(`series.bin ends early at byte ${this.pos}`);
    return this.buf[this.pos++];
  }

  varint(): number {
    let n = 0;
    let mul = 1;
    for (let i = 0; i < 8; i++) {
      const b = this.byte();
      n += (b & 0x7f) * mul;
      if (b < 0x80) return n;
      mul *= 0x80;
    }
    throw new CodecError(`series.bin has an overlong number at byte ${this.pos}`);
  }

  bytes(n: number): Uint8Array {
    if (n > this.left()) throw new CodecError(`series.bin ends early at byte ${this.pos} (${n} bytes expected)`);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}

function readColumn(r: Reader, n: number, previous: Float64Array | undefined): Float64Array {
  const mode = r.byte();
  if (mode === REPEAT) {
    if (previous === undefined || previous.length !== n) throw new CodecError(`series.bin: a repeated column with nothing of ${n} points to repeat at byte ${r.pos - 1}`);
    return previous;
  }
  const out = new Float64Array(n);
  if (mode === 0) {
    const order = r.byte();
    const width = r.byte();
    const kMode = r.byte();
    if ((order !== 1 && order !== 2) || width > 7 || kMode > 1) throw new CodecError(`series.bin: bad column header at byte ${r.pos - 3}`);
    const ks = kMode === 0 ? new Uint8Array(n).fill(r.byte()) : r.bytes(n);
    const head = Math.min(HEAD, n);
    const first = Array.from({ length: head }, () => r.varint());
    const m = n - head;
    const planes = r.bytes(m * width);
    for (let i = 0; i < n; i++) {
      const k = ks[i];
      if (k > MAX_EXP) {
        if (k < K_NAN || k > K_NEG_ZERO) throw new CodecError(`series.bin: ${k} decimals at point ${i} (at most ${MAX_EXP})`);
        out[i] = SPECIALS[k - K_NAN];
        continue;
      }
      let z: number;
      if (i < head) z = first[i];
      else {
        z = 0;
        const j = i - head;
        for (let b = 0; b < width; b++) z += planes[b * m + j] * BYTE_WEIGHT[b];
      }
      const scale = POW10[k];
      out[i] = (predict(out, i, order, scale) + (z % 2 === 0 ? z / 2 : -(z + 1) / 2)) / scale;
    }
    return out;
  }
  if (mode === 1) {
    const planes = r.bytes(n * 8);
    const raw = new Uint8Array(out.buffer);
    for (let i = 0; i < n; i++) for (let b = 0; b < 8; b++) raw[i * 8 + b] = planes[b * n + i];
    return out;
  }
  throw new CodecError(`series.bin: unknown column kind ${mode} at byte ${r.pos - 1}`);
}

/** Decodes series.bin; throws CodecError naming the byte offset of what is wrong. `maxPoints` caps the total. */
export function decodeSeries(bytes: Uint8Array, maxPoints: number): SeriesColumns[] {
  const r = new Reader(bytes);
  for (const b of MAGIC) if (r.byte() !== b) throw new CodecError('series.bin does not start with TSS1');
  const count = r.varint();
  if (count > MAX_SERIES) throw new CodecError(`series.bin holds ${count} series (at most ${MAX_SERIES})`);
  const out: SeriesColumns[] = [];
  let total = 0;
  for (let s = 0; s < count; s++) {
    const keyLen = r.varint();
    if (keyLen > MAX_KEY_BYTES) throw new CodecError(`series.bin: key of ${keyLen} bytes at byte ${r.pos}`);
    const key = Buffer.from(r.bytes(keyLen)).toString('utf8');
    const n = r.varint();
    total += n;
    // Checked before anything is allocated: a constant column costs no bytes a point, so only the cap bounds it.
    if (total > maxPoints) throw new CodecError(`series.bin: series "${key.slice(0, 80)}" claims ${n} points (byte ${r.pos})`);
    const prev = out.length > 0 ? out[out.length - 1] : undefined;
    const steps = readColumn(r, n, prev?.steps);
    const times = readColumn(r, n, prev?.times);
    const values = readColumn(r, n, undefined);
    out.push({ key, steps, times, values });
  }
  if (r.left() !== 0) throw new CodecError(`series.bin has ${r.left()} bytes past its end`);
  return out;
}
