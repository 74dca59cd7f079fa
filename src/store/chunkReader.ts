// Reading a series' chunks back: their rows from the index (synchronously, so one call sees one state of it),
// then the sealed ones' bytes from the run's point file, then columns: every point in the requested ranges, or
// for a full view all values with what is needed to find any one point's step and time later.
import type { SqlValue, Statement } from 'sql.js';
import { openInline, openSealed, sealedLength, type ChunkData } from './chunks';
import type { PointFiles } from './pointFiles';

export interface ChunkFilter {
  stepMin?: number;
  stepMax?: number;
  timeMin?: number;
  timeMax?: number;
  /** Only the chunk with this seq. */
  seq?: number;
  /** Only chunks before this seq. */
  seqBelow?: number;
}

export interface LazyChunk {
  at: number;
  data: ChunkData;
}

export interface LazySeries {
  values: Float64Array;
  chunks: LazyChunk[];
}

export const num = (v: SqlValue): number => (typeof v === 'number' ? v : NaN);
const blob = (v: SqlValue): Uint8Array | null => (v instanceof Uint8Array ? v : null);

type Row = { n: number; step0: number; stride: number | null; pos: number | null; inline: ChunkData | undefined };

/** Step and time of points `indices` (ascending) of a lazily read series. */
export function stepsAndTimes(series: LazySeries, indices: Uint32Array): { steps: Float64Array; times: Float64Array } {
  const steps = new Float64Array(indices.length);
  const times = new Float64Array(indices.length);
  let c = 0;
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    while (c + 1 < series.chunks.length && series.chunks[c + 1].at <= i) c++;
    const { at, data } = series.chunks[c];
    const j = i - at;
    steps[k] = data.steps !== null ? data.steps[j] : data.step0 + j * (data.stride ?? 0);
    times[k] = data.times[j];
  }
  return { steps, times };
}

/** All points of the chunks, in order, as fresh columns. */
export function columnsOf(chunks: ChunkData[]): { steps: Float64Array; times: Float64Array; values: Float64Array } {
  let total = 0;
  for (const c of chunks) total += c.n;
  const steps = new Float64Array(total);
  const times = new Float64Array(total);
  const values = new Float64Array(total);
  let at = 0;
  for (const c of chunks) {
    if (c.steps !== null) steps.set(c.steps, at);
    else for (let i = 0; i < c.n; i++) steps[at + i] = c.step0 + i * (c.stride ?? 0);
    times.set(c.times, at);
    values.set(c.values, at);
    at += c.n;
  }
  return { steps, times, values };
}

/** Points of lazyOf's scratch kept between calls (8 bytes each, so 2 MB at most): larger series get arrays of their own. */
const MAX_SCRATCH_POINTS = 1 << 18;
let scratch = new Float64Array(0);

/**
 * All values of the chunks in one array, steps and times left in the chunks: for a full view only the few points
 * kept by downsampling need them. The values are a view into scratch reused by the next call (series() reads
 * 100 series of 100k points in a row; fresh arrays per series were a fifth of its time in allocation and GC):
 * use the result, copying what you keep, before calling again — and without awaiting in between.
 */
export function lazyOf(chunks: ChunkData[]): LazySeries {
  let total = 0;
  for (const c of chunks) total += c.n;
  let values = scratch;
  if (values.length < total) {
    values = new Float64Array(Math.max(total, Math.min(MAX_SCRATCH_POINTS, scratch.length * 2)));
    if (values.length <= MAX_SCRATCH_POINTS) scratch = values;
  }
  const lazy: LazyChunk[] = [];
  let at = 0;
  for (const c of chunks) {
    values.set(c.values, at);
    lazy.push({ at, data: c });
    at += c.n;
  }
  return { values: values.subarray(0, at), chunks: lazy };
}

export class ChunkReader {
  constructor(
    private readonly stmt: (sql: string) => Statement,
    private readonly files: PointFiles,
  ) {}

  private rows(run: string, key: string, filter: ChunkFilter): Row[] {
    const clauses = ['run = ?', 'key = ?'];
    const params: SqlValue[] = [run, key];
    const where = (clause: string, value: number | undefined) => {
      if (value === undefined) return;
      clauses.push(clause);
      params.push(value);
    };
    where('seq = ?', filter.seq);
    where('seq < ?', filter.seqBelow);
    where('step_max >= ?', filter.stepMin);
    where('step_min <= ?', filter.stepMax);
    where('(time_max IS NULL OR time_max >= ?)', filter.timeMin);
    where('(time_min IS NULL OR time_min <= ?)', filter.timeMax);
    const s = this.stmt(`SELECT n, step0, stride, pos, steps, times, vals FROM chunks WHERE ${clauses.join(' AND ')} ORDER BY seq`);
    const rows: Row[] = [];
    try {
      s.bind(params);
      while (s.step()) {
        const r = s.get();
        const n = num(r[0]);
        const step0 = num(r[1]);
        const stride = r[2] === null ? null : num(r[2]);
        const pos = r[3] === null ? null : num(r[3]);
        // Only a live series' short tail is stored inline; sql.js hands its blobs over as copies.
        const inline = pos === null ? openInline({ n, step0, stride, steps: blob(r[4]), times: blob(r[5]) ?? new Uint8Array(8 * n), values: blob(r[6]) ?? new Uint8Array(8 * n) }) : undefined;
        rows.push({ n, step0, stride, pos, inline });
      }
    } finally {
      s.reset();
    }
    return rows;
  }

  /** The inline chunk `seq` of a series (its live tail), or undefined when that chunk is sealed or missing. */
  inline(run: string, key: string, seq: number): ChunkData | undefined {
    return this.rows(run, key, { seq })[0]?.inline;
  }

  /**
   * The chunks of one series matching `filter`, in append order: those that can hold points in its ranges.
   * `file` is the run's point file. Rejects when a sealed chunk cannot be read back as written.
   */
  async fetch(run: string, key: string, file: string | undefined, filter: ChunkFilter): Promise<ChunkData[]> {
    const rows = this.rows(run, key, filter);
    const sealed = rows.filter((r) => r.pos !== null);
    if (sealed.length === 0) return rows.map((r) => r.inline as ChunkData);
    if (file === undefined) throw new Error('the run has sealed chunks but no point file');
    const bytes = await this.files.read(
      file,
      sealed.map((r) => [r.pos as number, sealedLength(r.n, r.stride === null)] as const),
    );
    let k = 0;
    return rows.map((r) => r.inline ?? openSealed(bytes[k++], r.n, r.step0, r.stride));
  }
}
