// series.bin: every metric series of a run in a compact, lossless binary form that git's zlib shrinks further.
// Layout (all integers LEB128 varints): "TSS1", series count, then per series its key (length + UTF-8), its
// point count and three columns (steps, times in ms, values). A column is either
//   0 DECIMAL: an exponent e, then each value as round(v·10^e) delta-coded from the previous (zigzag), used when
//     every value is finite and reads back exactly as m / 10^e (steps, millisecond times, values logged with a
//     few significant digits: most of them, so a point costs about a byte or two);
//   1 FLOAT64: the doubles' 8 bytes, byte-plane by byte-plane (all first bytes, then all second bytes, …), so the
//     sign/exponent planes compress well; NaN, ±Infinity and -0 keep their bits.
// Decoding treats the bytes as untrusted: every length is checked against what is left and against caps.

export interface SeriesColumns {
  key: string;
  steps: Float64Array;
  times: Float64Array;
  values: Float64Array;
}

const MAGIC = [0x54, 0x53, 0x53, 0x31]; // "TSS1"
const MAX_EXP = 17;
// Deltas of m stay within ±2^52, so their zigzag (2|d|) is an exact double.
const MAX_M = 2 ** 51;
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

function decimalExponent(values: Float64Array): number | undefined {
  let e = 0;
  let scale = 1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v) || Object.is(v, -0)) return undefined;
    while (Math.round(v * scale) / scale !== v) {
      if (++e > MAX_EXP) return undefined;
      scale = 10 ** e;
    }
    if (Math.abs(Math.round(v * scale)) > MAX_M) return undefined;
  }
  // A larger exponent found late may push earlier values past the bound.
  for (let i = 0; i < values.length; i++) if (Math.abs(Math.round(values[i] * scale)) > MAX_M) return undefined;
  return e;
}

function writeColumn(w: Writer, values: Float64Array): void {
  const e = decimalExponent(values);
  if (e !== undefined) {
    const scale = 10 ** e;
    w.byte(0);
    w.varint(e);
    let prev = 0;
    for (let i = 0; i < values.length; i++) {
      const m = Math.round(values[i] * scale);
      const d = m - prev;
      prev = m;
      w.varint(d >= 0 ? d * 2 : -d * 2 - 1);
    }
    return;
  }
  w.byte(1);
  const raw = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  const planes = new Uint8Array(raw.length);
  const n = values.length;
  for (let i = 0; i < n; i++) for (let b = 0; b < 8; b++) planes[b * n + i] = raw[i * 8 + b];
  w.bytes(planes);
}

export function encodeSeries(series: readonly SeriesColumns[]): Buffer {
  const w = new Writer();
  for (const b of MAGIC) w.byte(b);
  w.varint(series.length);
  for (const s of series) {
    const key = Buffer.from(s.key, 'utf8');
    w.varint(key.length);
    w.bytes(key);
    w.varint(s.steps.length);
    writeColumn(w, s.steps);
    writeColumn(w, s.times);
    writeColumn(w, s.values);
  }
  return w.done();
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

function readColumn(r: Reader, n: number): Float64Array {
  const mode = r.byte();
  const out = new Float64Array(n);
  if (mode === 0) {
    const e = r.varint();
    if (e > MAX_EXP) throw new CodecError(`series.bin: exponent ${e} out of range at byte ${r.pos}`);
    const scale = 10 ** e;
    let m = 0;
    for (let i = 0; i < n; i++) {
      const z = r.varint();
      m += z % 2 === 0 ? z / 2 : -(z + 1) / 2;
      out[i] = m / scale;
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
    // Every point takes at least one byte per column, so a count beyond what is left is a lie.
    if (total > maxPoints || n > r.left()) throw new CodecError(`series.bin: series "${key.slice(0, 80)}" claims ${n} points (byte ${r.pos})`);
    const steps = readColumn(r, n);
    const times = readColumn(r, n);
    const values = readColumn(r, n);
    out.push({ key, steps, times, values });
  }
  if (r.left() !== 0) throw new CodecError(`series.bin has ${r.left()} bytes past its end`);
  return out;
}
