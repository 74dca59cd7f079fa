// Sealing a fresh run's points on the parse worker that parsed them. A cold index used to send every point to
// the indexer's thread to be encoded and written there; that thread, not parsing, bounded the pass. For a run
// indexed from scratch nothing in the index is needed to lay out its chunks, so the worker writes the run's new
// point file itself and sends back only the chunk rows. The indexer still commits each part's rows, offset and
// file length in one transaction, so a stop between parts loses and repeats nothing (bytes past the committed
// length are overwritten, or the file is pruned if nothing of it was committed).
//
// The file is created and written on libuv's threads, not the worker's: on a loaded machine, creating a file in
// the points folder (which the other worker creates files in too) and writing 180 KB each waited for the
// kernel far longer than they ran, and the worker parsed nothing meanwhile. The part is sent once its bytes are
// written, so the indexer never commits rows that point at bytes not yet in the file.
import { close, open, unlink, write } from 'node:fs';
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

/** Writes all of `bytes` at `position`. */
function writeAt(fd: number, bytes: Uint8Array, position: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const from = (done: number) => {
      if (done >= bytes.length) return resolve();
      write(fd, bytes, done, bytes.length - done, position + done, (err, n) => (err ? reject(err) : from(done + n)));
    };
    from(0);
  });
}

const openNew = (path: string) => new Promise<number>((resolve, reject) => open(path, 'w', (err, fd) => (err ? reject(err) : resolve(fd))));

/** New log bytes from which a run's file is created as its job arrives, not when its first chunk is sealed. */
const EAGER_BYTES = 64 << 10;

export class WorkerSealer {
  /** Created at the first seal, or as the job arrives when its log is long enough to seal something. */
  private fd: Promise<number> | undefined;
  private length = 0;
  /** The writes so far, in order: each part's bytes follow the last part's. */
  private written: Promise<void> = Promise.resolve();
  private readonly metas = new Map<string, SeriesMeta>();

  /**
   * `scratch`: buffers lent to this run's SealBuffers; they hold the bytes until `seal`'s promise settles.
   * `newBytes`: how much log the job reads, to create the file early when the run will surely need one.
   */
  constructor(
    private readonly target: SealTarget,
    private readonly scratch?: SealScratch,
    newBytes = 0,
  ) {
    if (newBytes >= EAGER_BYTES) this.file();
  }

  private file(): Promise<number> {
    if (this.fd === undefined) {
      this.fd = openNew(this.target.path);
      // Seen by whoever awaits a write or close(); a failure here must not also end the thread as unhandled.
      this.fd.catch(() => undefined);
    }
    return this.fd;
  }

  /**
   * Seals one part's columns; the promise settles once their bytes are in the file (send the part then, and only
   * then reuse the scratch). A part that is not the last seals every chunk (the next part starts new chunks);
   * the last keeps a short tail inline, as the indexer would.
   */
  seal(columns: Columns[], last: boolean): { part: SealedPart; written: Promise<void> } {
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
      const at = this.length;
      this.length += bodies.length + overviews.length;
      const fd = this.file();
      this.written = this.written.then(async () => {
        const f = await fd;
        await writeAt(f, bodies, at);
        await writeAt(f, overviews, at + bodies.length);
      });
    }
    const part = this.length === 0 ? { plans } : { plans, points: { name: this.target.name, bytes: this.length } };
    return { part, written: this.written };
  }

  /** After the last write; a file made early that got nothing is deleted. */
  async close(): Promise<void> {
    await this.written.catch(() => undefined);
    const fd = await this.fd?.catch(() => undefined);
    if (fd === undefined) return;
    await new Promise<void>((resolve) => close(fd, () => resolve()));
    if (this.length === 0) await new Promise<void>((resolve) => unlink(this.target.path, () => resolve()));
  }
}
