// What one commit appends to a run: the chunk rows of each series, and the sealed chunks' bytes laid end to end
// from the point file's committed length (written before the rows that point at them are committed).
import { sealChunk, sealedLength, type EncodedChunk } from './chunks';
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

/** A chunk row to write: sealed (`pos` in the point file, no blobs) or inline (blobs, `pos` null). */
export interface PlannedRow {
  seq: number;
  c: RowChunk;
  pos: number | null;
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

export class SealBuffer {
  private bytes = new Uint8Array(1 << 16);
  length = 0;

  /** `base` is the point file's committed length: where these bytes will go. */
  constructor(readonly base: number) {}

  /** Lays out a chunk; returns its position in the point file. */
  add(c: EncodedChunk): number {
    const need = this.length + sealedLength(c.n, c.steps !== null);
    if (need > this.bytes.length) {
      const grown = new Uint8Array(Math.max(need, this.bytes.length * 2));
      grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
    }
    const pos = this.base + this.length;
    this.length += sealChunk(c, this.bytes, this.length);
    return pos;
  }

  contents(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }
}
