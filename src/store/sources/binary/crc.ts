// The two checksums foreign binary logs carry: CRC-32C (Castagnoli), masked, in TFRecord framing, and CRC-32
// (IEEE, zlib's) in the LevelDB-style log W&B writes. Table-driven, eight bytes per step ("slicing by 8"): the
// checksum is over every byte of a TensorBoard file, so it sets the floor of the cold index rate.

export type Crc = (bytes: Uint8Array, start: number, end: number, prev?: number) => number;

function makeTable(poly: number): Int32Array {
  // Int32, not Uint32: entries stay small integers for V8 (a Uint32 above 2^31 is a heap number in the hot loop).
  const t = new Int32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ poly : c >>> 1;
    t[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    for (let k = 1; k < 8; k++) t[k * 256 + n] = (t[(k - 1) * 256 + n] >>> 8) ^ t[t[(k - 1) * 256 + n] & 0xff];
  }
  return t;
}

function makeCrc(t: Int32Array): Crc {
  // zlib's convention: `prev` is a finished checksum of earlier bytes, so crc(b, …, crc(a)) is the checksum of a+b.
  return (bytes, start, end, prev = 0) => {
    let c = ~prev | 0;
    let i = start;
    for (const stop = end - 8; i <= stop; i += 8) {
      c ^= bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
      c =
        t[1792 + (c & 0xff)] ^
        t[1536 + ((c >>> 8) & 0xff)] ^
        t[1280 + ((c >>> 16) & 0xff)] ^
        t[1024 + (c >>> 24)] ^
        t[768 + bytes[i + 4]] ^
        t[512 + bytes[i + 5]] ^
        t[256 + bytes[i + 6]] ^
        t[bytes[i + 7]];
    }
    for (; i < end; i++) c = t[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
    return ~c >>> 0;
  };
}

const CASTAGNOLI = makeTable(0x82f63b78);
export const crc32c: Crc = makeCrc(CASTAGNOLI);
export const crc32: Crc = makeCrc(makeTable(0xedb88320));

/** CRC-32C of the 8 bytes at `i`: one step of the loop above, for TFRecord's length field (once per record). */
export function crc32c8(bytes: Uint8Array, i: number): number {
  const t = CASTAGNOLI;
  const c = ~(bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24));
  return ~(t[1792 + (c & 0xff)] ^ t[1536 + ((c >>> 8) & 0xff)] ^ t[1280 + ((c >>> 16) & 0xff)] ^ t[1024 + (c >>> 24)] ^ t[768 + bytes[i + 4]] ^ t[512 + bytes[i + 5]] ^ t[256 + bytes[i + 6]] ^ t[bytes[i + 7]]) >>> 0;
}

/** TFRecord's masked CRC-32C: rotated and offset so a checksum of bytes holding checksums stays strong. */
export function maskCrc(crc: number): number {
  return (((crc >>> 15) | (crc << 17)) + 0xa282ead8) >>> 0;
}

export function maskedCrc32c(bytes: Uint8Array, start: number, end: number): number {
  return maskCrc(crc32c(bytes, start, end));
}
