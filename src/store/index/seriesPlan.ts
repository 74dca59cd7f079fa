// What one commit appends to a run: the chunk rows of each series, and the sealed chunks' bytes laid end to end
// from the point file's committed length (written before the rows that point at them are committed).
import { bodyLength, CHUNK_POINTS, encodeChunk, overviewBytes, sealChunk, type EncodedChunk } from './chunks';
import type { SeriesMeta } from './seriesMeta';

/**
 * A series' last chunk is sealed once it holds this many points; until then it stays inline in the index (a live
 * series' tail, or all of a short run: ten thousand runs of twenty steps then need no point files at all).
 */
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
  /**
   * Every point the rows hold, in order, for a summary that must be recomputed (steps went back). A worker
   * sends them only then: the indexer needs them for nothing else.
   */
  cols?: PointColumns;
}

/** Where a sealed chunk's body and overview are in the point file; final once SealBuffer.parts() is called. */
export interface SealedAt {
  pos: number;
  ov: number;
}

/** Grows a byte buffer by doubling. */
class Bytes {
  bytes: Uint8Array;
  length = 0;

  constructor(initial?: Uint8Array) {
    this.bytes = initial ?? new Uint8Array(1 << 16);
  }

  /** Grows (once) to hold `n` bytes in all, so laying out a part of known size copies nothing. */
  reserve(n: number): void {
    if (n <= this.bytes.length) return;
    const grown = new Uint8Array(n);
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

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

/**
 * Encodes `cols` as chunks numbered from meta.chunks (the caller has already merged an inline tail into `cols`
 * and stepped meta.chunks back over it), laying the ones to seal into `seal`; updates meta.chunks and meta.tailN.
 * Chunks are sealed once they hold SEAL_MIN points, or all of them with `sealAll` (a part with more to come).
 */
export function planChunks(cols: PointColumns, meta: SeriesMeta, sealAll: boolean, seal: SealBuffer): PlannedRow[] {
  const rows: PlannedRow[] = [];
  let seq = meta.chunks;
  for (let from = 0; from < cols.length; from += CHUNK_POINTS) {
    const to = Math.min(from + CHUNK_POINTS, cols.length);
    const c = encodeChunk(cols.steps, cols.times, cols.values, from, to);
    if (sealAll || c.n >= SEAL_MIN) {
      rows.push({ seq: seq++, c: { ...c, steps: null, times: null, values: null }, at: seal.add(c) });
    } else {
      // Copies: the encoded blobs are views into buffers reused before the commit binds them.
      rows.push({ seq: seq++, c: { ...c, steps: c.steps?.slice() ?? null, times: c.times.slice(), values: c.values.slice() }, at: null });
    }
  }
  if (rows.length > 0) {
    meta.chunks = seq;
    const last = rows[rows.length - 1];
    meta.tailN = last.at === null ? last.c.n : 0;
  }
  return rows;
}

/** Spans kept per series before a full view falls back to the chunk rows (a live series seals often). */
export const MAX_OV_SPANS = 64;

/**
 * Adds the overviews of each plan's sealed chunks to its meta.ovSpans; call after SealBuffer.parts() fixed
 * where they are. A new array each time: the meta is a copy whose arrays the committed one still shares.
 */
export function recordSpans(plans: PlannedSeries[]): void {
  for (const plan of plans) {
    const sealed = plan.rows.filter((r) => r.at !== null);
    if (sealed.length === 0) continue;
    const at = (sealed[0].at as SealedAt).ov;
    let bytes = 0;
    for (const r of sealed) bytes += overviewBytes(r.c.n);
    const spans = plan.meta.ovSpans ?? (plan.firstSeq === 0 ? [] : undefined);
    // A series whose earlier spans are unknown (index loaded without its snapshot) stays unknown.
    if (spans === undefined || spans.length >= MAX_OV_SPANS) {
      plan.meta.ovSpans = undefined;
      continue;
    }
    const last = spans[spans.length - 1];
    plan.meta.ovSpans = last !== undefined && last[0] + last[1] === at ? [...spans.slice(0, -1), [last[0], last[1] + bytes]] : [...spans, [at, bytes]];
  }
}

/**
 * Buffers that one sealer lends the SealBuffers it makes one after another (a parse worker seals run after run):
 * new ones for every run, zeroed and then grown twice, were a tenth of a worker's time.
 */
export interface SealScratch {
  bodies: Uint8Array;
  overviews: Uint8Array;
  /** Buffers up to this size are kept (default MAX_KEPT): a scratch that lives for one run may keep any. */
  keep?: number;
}

/** Buffers larger than this go back to the garbage collector, not to a scratch. */
const MAX_KEPT = 8 << 20;

export class SealBuffer {
  private readonly bodies: Bytes;
  private readonly overviews: Bytes;
  private readonly placed: SealedAt[] = [];

  /**
   * `base` is the point file's committed length: where these bytes will go. With `scratch`, the bytes are laid
   * in its buffers: write what parts() returns before the next SealBuffer on the same scratch.
   */
  constructor(
    readonly base: number,
    private readonly scratch?: SealScratch,
  ) {
    this.bodies = new Bytes(scratch?.bodies);
    this.overviews = new Bytes(scratch?.overviews);
  }

  /**
   * Room for `points` more points in `chunks` more chunks, at most: one allocation instead of doubling from
   * 64 KiB (whose copies and fresh pages were a tenth of a cold index of a large file).
   */
  reserve(points: number, chunks: number): void {
    this.bodies.reserve(this.bodies.length + bodyLength(points, true) + chunks * bodyLength(0, false));
    this.overviews.reserve(this.overviews.length + chunks * overviewBytes(CHUNK_POINTS));
  }

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

  /** The bodies, then the overviews, to write one after the other at `base` (views); fixes where the overviews are. */
  parts(): [Uint8Array, Uint8Array] {
    for (const p of this.placed) p.ov += this.base + this.bodies.length;
    this.placed.length = 0;
    if (this.scratch !== undefined) {
      // Grown buffers are kept for the next run.
      const keep = this.scratch.keep ?? MAX_KEPT;
      if (this.bodies.bytes.length <= keep) this.scratch.bodies = this.bodies.bytes;
      if (this.overviews.bytes.length <= keep) this.scratch.overviews = this.overviews.bytes;
    }
    return [this.bodies.bytes.subarray(0, this.bodies.length), this.overviews.bytes.subarray(0, this.overviews.length)];
  }
}
