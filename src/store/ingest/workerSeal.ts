// Sealing a fresh run's points on the parse worker that parsed them. A cold index used to send every point to
// the indexer's thread to be encoded and written there; that thread, not parsing, bounded the pass. For a run
// indexed from scratch nothing in the index is needed to lay out its chunks, so the worker writes the run's new
// point file itself and sends back only the chunk rows. The indexer still commits each part's rows, offset and
// file length in one transaction, so a stop between parts loses and repeats nothing (bytes past the committed
// length are overwritten, or the file is pruned if nothing of it was committed).
//
// Synchronous writes: this runs on a worker thread, never on the extension host's.
import { closeSync, openSync, writeSync } from 'node:fs';
import type { Columns } from './runParser';
import { copyMeta, emptyMeta, foldPoints, type SeriesMeta } from '../index/seriesMeta';
import { planChunks, recordSpans, SealBuffer, type PlannedSeries, type SealScratch } from '../index/seriesPlan';

/** Where a fresh run's point file goes: a new file (its name is new, so nothing else writes it). */
export interface SealTarget {
  path: string;
  name: string;
}

/** What a part sealed on a worker carries instead of its points. */
export interface SealedPart {
  plans: PlannedSeries[];
  /** The point file and its length; absent while nothing was sealed (no file was made). */
  points?: { name: string; bytes: number };
}

/** Writes all of `bytes` at `position`; returns the position after them. */
function writeAt(fd: number, bytes: Uint8Array, position: number): number {
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done, position + done);
  return position + bytes.length;
}

export class WorkerSealer {
  /** Opened at the first write: a run too short to seal anything gets no file. */
  private fd: number | undefined;
  private length = 0;
  private readonly metas = new Map<string, SeriesMeta>();

  /** `scratch`: buffers the worker lends each run's sealer in turn. */
  constructor(
    private readonly target: SealTarget,
    private readonly scratch?: SealScratch,
  ) {}

  /**
   * Seals one part's columns. A part that is not the last seals every chunk (the next part starts new chunks);
   * the last keeps a short tail inline, as the indexer would.
   */
  seal(columns: Columns[], last: boolean): SealedPart {
    const seal = new SealBuffer(this.length, this.scratch);
    const plans: PlannedSeries[] = [];
    for (const col of columns) {
      if (col.length === 0) continue;
      const meta = copyMeta(this.metas.get(col.key) ?? emptyMeta());
      foldPoints(meta, col.steps, col.values, col.length);
      const firstSeq = meta.chunks;
      const rows = planChunks(col, meta, !last, seal);
      // A series whose steps went back has its summary recomputed by the indexer, from all its points.
      const plan: PlannedSeries = { key: col.key, meta, firstSeq, rows };
      if (!meta.monotone) plan.cols = { steps: col.steps.slice(0, col.length), times: col.times.slice(0, col.length), values: col.values.slice(0, col.length), length: col.length };
      plans.push(plan);
      this.metas.set(col.key, meta);
    }
    if (seal.length > 0) {
      const [bodies, overviews] = seal.parts();
      recordSpans(plans);
      const fd = (this.fd ??= openSync(this.target.path, 'w'));
      this.length = writeAt(fd, overviews, writeAt(fd, bodies, this.length));
    }
    return this.length === 0 ? { plans } : { plans, points: { name: this.target.name, bytes: this.length } };
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
  }
}
