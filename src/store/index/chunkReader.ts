// Reading a series' chunks back: their rows from the index (synchronously, so one call sees one state of it),
// then the sealed ones' bytes from the run's point file: whole chunks, or for a full view only their overviews.
import type { SqlValue, Statement } from 'sql.js';
import { bodyLength, N_OFFSET, openInline, openOverview, openSealed, overviewBytes, overviewOf, type ChunkData } from './chunks';
import type { ChunkOverview } from './overview';
import type { PointFiles, ReadScratch } from './pointFiles';

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

export const num = (v: SqlValue): number => (typeof v === 'number' ? v : NaN);
const blob = (v: SqlValue): Uint8Array | null => (v instanceof Uint8Array ? v : null);

type Row = { n: number; step0: number; stride: number | null; pos: number | null; ov: number | null; inline: ChunkData | undefined };

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
    const s = this.stmt(`SELECT n, step0, stride, pos, ov, steps, times, vals FROM chunks WHERE ${clauses.join(' AND ')} ORDER BY seq`);
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
        const inline = pos === null ? openInline({ n, step0, stride, steps: blob(r[5]), times: blob(r[6]) ?? new Uint8Array(8 * n), values: blob(r[7]) ?? new Uint8Array(8 * n) }) : undefined;
        rows.push({ n, step0, stride, pos, ov: r[4] === null ? null : num(r[4]), inline });
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
   * `file` is the run's point file. Rejects when a sealed chunk cannot be read back as written. With `scratch`,
   * the chunks are views into it: done with them before it is used again.
   */
  async fetch(run: string, key: string, file: string | undefined, filter: ChunkFilter, scratch?: ReadScratch): Promise<ChunkData[]> {
    const rows = this.rows(run, key, filter);
    const sealed = rows.filter((r) => r.pos !== null);
    if (sealed.length === 0) return rows.map((r) => r.inline as ChunkData);
    if (file === undefined) throw new Error('the run has sealed chunks but no point file');
    const bytes = await this.files.read(
      file,
      sealed.map((r) => [r.pos as number, bodyLength(r.n, r.stride === null)] as const),
      scratch,
    );
    let k = 0;
    return rows.map((r) => r.inline ?? openSealed(bytes[k++], r.n, r.step0, r.stride));
  }

  /**
   * Every chunk of every series of a run, by key, in append order: one index query and one read of the point
   * file (its ranges coalesced), for a whole run read at once (sharing it) instead of a query and a read per key.
   * The chunks view one fresh buffer.
   */
  async fetchRun(run: string, file: string | undefined): Promise<Map<string, ChunkData[]>> {
    const s = this.stmt('SELECT key, n, step0, stride, pos, steps, times, vals FROM chunks WHERE run = ? ORDER BY key, seq');
    const rows: Array<Row & { key: string }> = [];
    try {
      s.bind([run]);
      while (s.step()) {
        const r = s.get();
        const n = num(r[1]);
        const step0 = num(r[2]);
        const stride = r[3] === null ? null : num(r[3]);
        const pos = r[4] === null ? null : num(r[4]);
        const inline = pos === null ? openInline({ n, step0, stride, steps: blob(r[5]), times: blob(r[6]) ?? new Uint8Array(8 * n), values: blob(r[7]) ?? new Uint8Array(8 * n) }) : undefined;
        rows.push({ key: String(r[0]), n, step0, stride, pos, ov: null, inline });
      }
    } finally {
      s.reset();
    }
    const sealed = rows.filter((r) => r.pos !== null);
    if (sealed.length > 0 && file === undefined) throw new Error('the run has sealed chunks but no point file');
    const bytes = sealed.length === 0 ? [] : await this.files.read(file as string, sealed.map((r) => [r.pos as number, bodyLength(r.n, r.stride === null)] as const));
    const out = new Map<string, ChunkData[]>();
    let k = 0;
    for (const r of rows) {
      const c = r.inline ?? openSealed(bytes[k++], r.n, r.step0, r.stride);
      const list = out.get(r.key);
      if (list === undefined) out.set(r.key, [c]);
      else list.push(c);
    }
    return out;
  }

  /** The overviews of every chunk of one series, in append order (see overview.ts). */
  async overviews(run: string, key: string, file: string | undefined, scratch?: ReadScratch): Promise<ChunkOverview[]> {
    const rows = this.rows(run, key, {});
    const sealed = rows.filter((r) => r.pos !== null);
    if (sealed.length > 0 && file === undefined) throw new Error('the run has sealed chunks but no point file');
    const bytes = sealed.length === 0 ? [] : await this.files.read(file as string, sealed.map((r) => [r.ov as number, overviewBytes(r.n)] as const), scratch);
    let k = 0;
    return rows.map((r) => ({ n: r.n, overview: r.inline !== undefined ? overviewOf(r.inline) : openOverview(bytes[k++], r.n) }));
  }

  /**
   * The overviews of a series read straight from its spans (see SeriesMeta.ovSpans), plus its inline tail's when
   * `tailSeq` says it has one: no chunk rows are asked for but that one. Each overview's header gives its size.
   */
  async overviewsFromSpans(run: string, key: string, file: string, spans: ReadonlyArray<readonly [number, number]>, tailSeq: number | undefined, scratch?: ReadScratch): Promise<ChunkOverview[]> {
    const tail = tailSeq === undefined ? undefined : this.inline(run, key, tailSeq);
    if (tailSeq !== undefined && tail === undefined) throw new Error(`the tail of ${key} is missing from the index`);
    const out: ChunkOverview[] = [];
    for (const bytes of await this.files.read(file, spans, scratch)) {
      for (let at = 0; at < bytes.length; ) {
        const k = at + N_OFFSET;
        const n = bytes.length - k >= 4 ? bytes[k] | (bytes[k + 1] << 8) | (bytes[k + 2] << 16) | (bytes[k + 3] << 24) : 0;
        const length = overviewBytes(n);
        if (n <= 0 || at + length > bytes.length) throw new Error('an overview span is damaged');
        out.push({ n, overview: openOverview(bytes.subarray(at, at + length), n) });
        at += length;
      }
    }
    if (tail !== undefined) out.push({ n: tail.n, overview: overviewOf(tail) });
    return out;
  }
}
