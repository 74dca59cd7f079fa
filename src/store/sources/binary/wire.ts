// A protocol-buffers wire-format reader: just the four wire types, read in place from one byte array. The
// importers decode a handful of fields from a few messages (TensorBoard's Event, W&B's Record), so a
// generated-code dependency would bring a runtime and a schema compiler for what fits in this file, and would
// build an object per message where the TensorBoard hot loop wants none. Unknown fields are skipped, every
// length is checked against the message holding it, and anything malformed throws a WireError with its offset.

export const VARINT = 0;
export const I64 = 1;
export const LEN = 2;
export const I32 = 5;

export class WireError extends Error {
  constructor(
    reason: string,
    /** Index in the byte array where the problem is. */
    readonly at: number,
  ) {
    super(reason);
  }
}

const utf8 = new TextDecoder('utf-8');
const TWO_63 = 2 ** 63;

export class WireReader {
  bytes: Uint8Array = new Uint8Array(0);
  private view = new DataView(this.bytes.buffer);
  /** Next byte to read, and the end of the message being read (both indexes into `bytes`). */
  pos = 0;
  end = 0;

  /** Reads `bytes[start, end)`; the DataView is made again only for another array. */
  reset(bytes: Uint8Array, start: number, end: number): this {
    if (bytes !== this.bytes) {
      this.bytes = bytes;
      this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    }
    this.pos = start;
    this.end = end;
    return this;
  }

  /** The next field's key (field number << 3 | wire type), or 0 at the end of the message. */
  key(): number {
    if (this.pos >= this.end) return 0;
    const at = this.pos;
    const b = this.bytes[at];
    const k = b < 0x80 ? (this.pos++, b) : this.varint();
    if (k >>> 3 === 0 || k > 0xffffffff) throw new WireError(`field number 0 or too large`, at);
    return k;
  }

  /** An unsigned varint as a double (exact up to 2^53, the nearest double beyond). */
  varint(): number {
    const { bytes, end } = this;
    const at = this.pos;
    let pos = at;
    let result = 0;
    let mul = 1;
    for (let i = 0; i < 10; i++) {
      if (pos >= end) throw new WireError('varint runs past the end of its message', at);
      const b = bytes[pos++];
      result += (b & 0x7f) * mul;
      if (b < 0x80) {
        this.pos = pos;
        return result;
      }
      mul *= 128;
    }
    throw new WireError('varint longer than 10 bytes', at);
  }

  /** An int64 or int32 varint (negative numbers are ten bytes of two's complement). */
  int64(): number {
    const at = this.pos;
    const v = this.varint();
    if (v < TWO_63) return v;
    // Negative: ten bytes whose double sum has lost the low bits; redo it exactly (rare).
    let x = 0n;
    for (let i = this.pos - 1; i >= at; i--) x = (x << 7n) | BigInt(this.bytes[i] & 0x7f);
    return Number(BigInt.asIntN(64, x));
  }

  bool(): boolean {
    return this.varint() !== 0;
  }

  double(): number {
    if (this.end - this.pos < 8) throw new WireError('64-bit field runs past the end of its message', this.pos);
    const v = this.view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  float(): number {
    if (this.end - this.pos < 4) throw new WireError('32-bit field runs past the end of its message', this.pos);
    const v = this.view.getFloat32(this.pos, true);
    this.pos += 4;
    return v;
  }

  /** A length-delimited field: leaves `pos` at its first byte and returns the index just past it. */
  len(): number {
    const at = this.pos;
    const n = this.varint();
    if (n > this.end - this.pos) throw new WireError(`length ${n} runs past the end of its message`, at);
    return this.pos + n;
  }

  /** Reads a length-delimited field as a nested message: returns the outer end, to give back to leave(). */
  enter(): number {
    const outer = this.end;
    this.end = this.len();
    return outer;
  }

  leave(outer: number): void {
    this.pos = this.end;
    this.end = outer;
  }

  /** A length-delimited field as UTF-8 text (bad sequences become U+FFFD). */
  string(): string {
    const stop = this.len();
    const s = utf8.decode(this.bytes.subarray(this.pos, stop));
    this.pos = stop;
    return s;
  }

  text(start: number, stop: number): string {
    return utf8.decode(this.bytes.subarray(start, stop));
  }

  /** Skips the value of a field with this key. */
  skip(key: number): void {
    switch (key & 7) {
      case VARINT:
        this.varint();
        return;
      case I64:
        if (this.end - this.pos < 8) throw new WireError('64-bit field runs past the end of its message', this.pos);
        this.pos += 8;
        return;
      case LEN:
        this.pos = this.len();
        return;
      case I32:
        if (this.end - this.pos < 4) throw new WireError('32-bit field runs past the end of its message', this.pos);
        this.pos += 4;
        return;
      default:
        // Groups (3, 4) are deprecated and in none of the messages read here; 6 and 7 do not exist.
        throw new WireError(`wire type ${key & 7} not supported`, this.pos - 1);
    }
  }

  /** The DataView over `bytes`, for fixed-width values inside a field (tensor contents). */
  get data(): DataView {
    return this.view;
  }
}
