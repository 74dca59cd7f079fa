// Reading a series' chunks back from the index: every point in the requested ranges, or for a full view all
// values with what is needed to find any one point's step and time later.
import type { SqlValue, Statement } from 'sql.js';
import { CHUNK_POINTS, decodeChunkInto } from './chunks';
import type { BlobReader } from './sqlite';

export interface ChunkFilter {
  stepMin?: number;
  stepMax?: number;
  timeMin?: number;
  timeMax?: number;
}

export interface LazyChunk {
  at: number;
  n: number;
  step0: number;
  stride: number;
  steps: Float64Array | undefined;
  t0: number;
  times: Float32Array;
}

export interface LazySeries {
  values: Float64Array;
  chunks: LazyChunk[];
}

/** Step and time of points `indices` (ascending) of a lazily read series. */
export function stepsAndTimes(series: LazySeries, indices: Uint32Array): { steps: Float64Array; times: Float64Array } {
  const steps = new Float64Array(indices.length);
  const times = new Float64Array(indices.length);
  let c = 0;
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    while (c + 1 < series.chunks.length && series.chunks[c + 1].at <= i) c++;
    const chunk = series.chunks[c];
    const j = i - chunk.at;
    steps[k] = chunk.steps !== undefined ? chunk.steps[j] : chunk.step0 + j * chunk.stride;
    times[k] = chunk.t0 + chunk.times[j];
  }
  return { steps, times };
}

/** Points of readValues' scratch kept between calls (20 bytes each, so 5 MB at most): larger series get arrays of their own. */
const MAX_SCRATCH_POINTS = 1 << 18;

function grown<T extends Float64Array | Float32Array>(a: T, used: number, need: number): T {
  const b = new (a.constructor as new (n: number) => T)(need * 2);
  b.set(a.subarray(0, used));
  return b;
}

export const num = (v: SqlValue): number => (typeof v === 'number' ? v : NaN);

export class ChunkReader {
  /** Scratch for Float32 time offsets while decoding. */
  private times32 = new Float32Array(CHUNK_POINTS);

  constructor(
    private readonly blobs: BlobReader | undefined,
    private readonly stmt: (sql: string) => Statement,
  ) {}

  /**
   * The stored points of one series in append order, restricted to chunks that can hold points in the filter's
   * ranges. `capacity` is an upper bound on the points (the caller knows the chunk count).
   */
  readChunks(run: string, key: string, capacity: number, filter: ChunkFilter & { seq?: number }): { steps: Float64Array; times: Float64Array; values: Float64Array } {
    const clauses = ['run = ?', 'key = ?'];
    const params: SqlValue[] = [run, key];
    const where = (clause: string, value: number | undefined) => {
      if (value === undefined) return;
      clauses.push(clause);
      params.push(value);
    };
    where('seq = ?', filter.seq);
    where('step_max >= ?', filter.stepMin);
    where('step_min <= ?', filter.stepMax);
    where('(time_max IS NULL OR time_max >= ?)', filter.timeMin);
    where('(time_min IS NULL OR time_min <= ?)', filter.timeMax);
    const s = this.stmt(`SELECT n, step0, stride, steps, t0, times, vals FROM chunks WHERE ${clauses.join(' AND ')} ORDER BY seq`);
    s.bind(params);
    let steps = new Float64Array(capacity);
    let times = new Float64Array(capacity);
    let values = new Float64Array(capacity);
    let at = 0;
    const ensure = (n: number) => {
      if (at + n <= steps.length) return;
      // The caller's bound was low (it never should be); grow rather than drop points.
      const grow = (a: Float64Array) => {
        const b = new Float64Array((at + n) * 2);
        b.set(a.subarray(0, at));
        return b;
      };
      steps = grow(steps);
      times = grow(times);
      values = grow(values);
    };
    const blobs = this.blobs;
    try {
      if (blobs !== undefined) {
        const p = blobs.pointer(s);
        while (s.step()) {
          const n = blobs.number(p, 0);
          ensure(n);
          if (blobs.isNull(p, 2)) {
            blobs.copy(p, 3, new Uint8Array(steps.buffer, steps.byteOffset + at * 8, n * 8), 0, n * 8);
          } else {
            const step0 = blobs.number(p, 1);
            const stride = blobs.number(p, 2);
            for (let i = 0; i < n; i++) steps[at + i] = step0 + i * stride;
          }
          if (this.times32.length < n) this.times32 = new Float32Array(n);
          const t32 = this.times32;
          blobs.copy(p, 5, new Uint8Array(t32.buffer), 0, n * 4);
          const t0 = blobs.number(p, 4);
          for (let i = 0; i < n; i++) times[at + i] = t0 + t32[i];
          blobs.copy(p, 6, new Uint8Array(values.buffer, values.byteOffset + at * 8, n * 8), 0, n * 8);
          at += n;
        }
        return { steps: steps.subarray(0, at), times: times.subarray(0, at), values: values.subarray(0, at) };
      }
      while (s.step()) {
        const r = s.get();
        const n = num(r[0]);
        ensure(n);
        decodeChunkInto(
          { n, step0: num(r[1]), stride: r[2] === null ? null : num(r[2]), steps: r[3] instanceof Uint8Array ? r[3] : null, t0: num(r[4]), times: r[5] as Uint8Array, values: r[6] as Uint8Array },
          steps,
          times,
          values,
          at,
        );
        at += n;
      }
    } finally {
      s.reset();
    }
    return { steps: steps.subarray(0, at), times: times.subarray(0, at), values: values.subarray(0, at) };
  }

  /**
   * All values of a series, with what is needed to find the step and time of any one point later: for a full
   * view only the few points kept by downsampling need them, so steps and times are not decoded for the rest.
   *
   * The columns are views into scratch arrays reused by the next call (series() reads 100 series of 100k
   * points in a row; fresh arrays per series were a fifth of its time in allocation and GC): use the result,
   * copying what you keep, before calling again.
   */
  readValues(run: string, key: string, capacity: number): LazySeries | undefined {
    const blobs = this.blobs;
    if (blobs === undefined) return undefined;
    const s = this.stmt('SELECT n, step0, stride, steps, t0, times, vals FROM chunks WHERE run = ? AND key = ? ORDER BY seq');
    s.bind([run, key]);
    const scratch = this.lazyScratch(capacity);
    let { values, times, steps } = scratch;
    const chunks: LazyChunk[] = [];
    let at = 0;
    try {
      const p = blobs.pointer(s);
      while (s.step()) {
        const n = blobs.number(p, 0);
        if (at + n > values.length) {
          // The caller's bound was low (it never should be): grow rather than drop points.
          values = grown(values, at, at + n);
          times = grown(times, at, at + n);
          steps = grown(steps, at, at + n);
        }
        const explicit = blobs.isNull(p, 2);
        if (explicit) blobs.copy(p, 3, new Uint8Array(steps.buffer, at * 8, n * 8), 0, n * 8);
        blobs.copy(p, 5, new Uint8Array(times.buffer, at * 4, n * 4), 0, n * 4);
        blobs.copy(p, 6, new Uint8Array(values.buffer, at * 8, n * 8), 0, n * 8);
        chunks.push({
          at,
          n,
          step0: blobs.number(p, 1),
          stride: explicit ? 0 : blobs.number(p, 2),
          steps: explicit ? steps.subarray(at, at + n) : undefined,
          t0: blobs.number(p, 4),
          times: times.subarray(at, at + n),
        });
        at += n;
      }
    } finally {
      s.reset();
    }
    if (values.length <= MAX_SCRATCH_POINTS) this.scratch = { values, times, steps };
    return { values: values.subarray(0, at), chunks };
  }

  private scratch: { values: Float64Array; times: Float32Array; steps: Float64Array } | undefined;

  /** Scratch columns for readValues with room for `points`; kept between calls only up to MAX_SCRATCH_POINTS. */
  private lazyScratch(points: number): { values: Float64Array; times: Float32Array; steps: Float64Array } {
    const kept = this.scratch;
    if (kept !== undefined && kept.values.length >= points) return kept;
    const size = Math.max(points, Math.min(MAX_SCRATCH_POINTS, (kept?.values.length ?? 0) * 2));
    const fresh = { values: new Float64Array(size), times: new Float32Array(size), steps: new Float64Array(size) };
    if (size <= MAX_SCRATCH_POINTS) this.scratch = fresh;
    return fresh;
  }
}
