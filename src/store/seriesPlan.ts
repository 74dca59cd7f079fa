// What one commit appends to a run: the chunk rows of each series, and the sealed chunks' bytes laid end to end
// from the point file's committed length (written before the rows that point at them are committed).
import { bodyLength, overviewBytes, sealChunk, type EncodedChunk } from './chunks';
import type { SeriesMeta } from './seriesMeta';

/** A live series' tail is sealed once it holds this many points (a run that has ended seals all of it). */
export const SEAL_MIN = 256;

/** Parallel columns; only the first `length` entries count. */
export interface PointColumns {
  steps: Float64Array;
  times: Float64Array;
  values: Float64Array;
  length: number;
}

type RowChunk = Omit<EncodedChunk, 'steps' | 'times' | 'values'> & { steps: Uint8Array | null; times: Uint8Array | null; values: Uint8Array | null };

/** A chunk row to write: sealed (where in the point file, no blobs) or inline (blobs, `at` null). */
export interface PlannedRow {
  seq: number;
  c: RowChunk;
  at: SealedAt | null;
}

export interface PlannedSeries {
  key: string;
  /** The summary after the append. */
  meta: SeriesMeta;
  /** Seq of the first row written: rows from here on are replaced (the old tail) or new. */
  firstSeq: number;
  rows: PlannedRow[];
  /** Every point the rows hold, in order (for a summary that must be recomputed). */
  cols: PointColumns;
}

/** Where a sealed chunk's body and overview are in the point file; final once SealBuffer.contents() is called. */
export interface SealedAt {
  pos: number;
  ov: number;
}

/** Grows a byte buffer by doubling. */
class Bytes {
  bytes = new Uint8Array(1 << 16);
  length = 0;

  /** Room for `n` more bytes; returns where they start. */
  room(n: number): number {
    if (this.length + n > this.bytes.length) {
      const grown = new Uint8Array(Math.max(this.length + n, this.bytes.length * 2));
      grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
    }
    const at = this.length;
    this.length += n;
    return at;
  }
}

export class SealBuffer {
  private readonly bodies = new Bytes();
  private readonly overviews = new Bytes();
  private readonly placed: SealedAt[] = [];

  /** `base` is the point file's committed length: where these bytes will go. */
  constructor(readonly base: number) {}

  get length(): number {
    return this.bodies.length + this.overviews.length;
  }

  /** Lays out a chunk (bodies first, then overviews, see chunks.ts). */
  add(c: EncodedChunk): SealedAt {
    const at = this.bodies.room(bodyLength(c.n, c.steps !== null));
    const ovAt = this.overviews.room(overviewBytes(c.n));
    sealChunk(c, this.bodies.bytes, at, this.overviews.bytes, ovAt);
    const placed = { pos: this.base + at, ov: ovAt };
    this.placed.push(placed);
    return placed;
  }

  /** The bytes to write at `base`; fixes where the overviews are. */
  contents(): Uint8Array {
    const out = new Uint8Array(this.length);
    out.set(this.bodies.bytes.subarray(0, this.bodies.length));
    out.set(this.overviews.bytes.subarray(0, this.overviews.length), this.bodies.length);
    for (const p of this.placed) p.ov += this.base + this.bodies.length;
    this.placed.length = 0;
    return out;
  }
}
