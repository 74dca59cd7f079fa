// A fresh MLflow run's metric files read on a parse worker: the same line loop as the indexer's thread
// (metricLines.ts), then sealed into the run's new point file there (workerSeal.ts), so the indexer's thread only
// reads the run's small files and commits rows. A cold index of a store of thousands of metric files was parse
// bound on one core; this spreads it over all of them. Runs on a worker thread only: synchronous reads.
import { closeSync, openSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { REPORT_DETAILS } from '../../ingest/runParser';
import { MAX_PROBLEM_DETAILS, type PartCursor } from '../../ingest/runState';
import { PendingPoints, type ColumnBuffer } from '../../ingest/seriesBuffer';
import { FINGERPRINT_BYTES, printOf } from '../../ingest/fingerprint';
import { MAX_LINE_BYTES, READ_CHUNK, readLines, type ReadableFile, type ReadScratch } from '../../ingest/tailer';
import type { SealedPart, SealTarget, WorkerSealer } from '../../ingest/workerSeal';
import { errorText } from '../../ingest/quietFs';
import { newPartCursor, tooLargeToRead } from '../foreign/files';
import { NumberScanner } from '../foreign/numbers';
import { metricKey, metricLines, type MetricSink } from './metricLines';

export interface MetricsJob {
  kind: 'mlflowMetrics';
  /** The run folder; `files` are relative to it, each read from its start up to `size` (what the pass saw). */
  dir: string;
  files: Array<{ rel: string; size: number; mtimeMs: number }>;
  /** Small files read whole first (params, tags), each up to `wholeBytes` (fileLimits.wholeBytes). */
  whole: Array<{ rel: string; size: number }>;
  wholeBytes: number;
  seal: SealTarget;
  /** A part is handed over whenever this many points wait (ReadFrom.flushPoints). */
  flushPoints: number;
}

export interface MetricProblem {
  rel: string;
  line?: number;
  reason: string;
  offset?: number;
}

export type WholeText = { text: string } | { problem: string };

export interface MetricsPart {
  /** The job's `whole` files, in the first part only. */
  texts?: Record<string, WholeText>;
  sealed: SealedPart;
  /** Cursors of the files read since the last part. A file read to its end has its size and mtime set. */
  cursors: Record<string, PartCursor>;
  /** Bad lines since the last part: the first few in full (as many as any report keeps), the rest counted. */
  problems: MetricProblem[];
  unlisted: number;
  /** Bounds of the finite point times in this part (Infinity/-Infinity when none). */
  minTime: number;
  maxTime: number;
  done: boolean;
}

/** Problems a part carries in full: the builder keeps no more than this many of any part. */
const LISTED = Math.max(REPORT_DETAILS, MAX_PROBLEM_DETAILS);

export interface JobIo {
  send(part: MetricsPart, transfer: ArrayBuffer[]): void;
  /**
   * Takes the last part's send, which waits for its bytes to be written: the worker parses its next job
   * meanwhile, and closes the sealer after it.
   */
  sendLast(sent: Promise<void>): void;
  /** Waits for the indexer's go-ahead after a part that is not the last; true means stop. */
  resume(): Promise<boolean>;
  scratch: ReadScratch;
  /** The run's point file, made as the job arrived (parseWorker.ts); closed by the worker after the last send. */
  sealer: WorkerSealer;
}

/** Bytes a job reads: what its point file is sized by, and made early from (WorkerSealer's newBytes). */
export function metricsJobBytes(job: MetricsJob): number {
  let n = 0;
  for (const f of job.files) n += f.size;
  return n;
}

class Collector implements MetricSink {
  readonly points = new PendingPoints();
  problems: MetricProblem[] = [];
  unlisted = 0;
  minTime = Infinity;
  maxTime = -Infinity;

  /** The buffer of the last point's key: a file's points all have one key, found once, not per point. */
  private key = '';
  private buf: ColumnBuffer | undefined;

  point(key: string, step: number, time: number, value: number): void {
    const buf = this.buf;
    if (buf !== undefined && key === this.key) {
      buf.push(step, time, value);
      this.points.total++;
    } else {
      this.points.add(key, step, time, value);
      this.key = key;
      this.buf = this.points.byKey.get(key);
    }
    // NaN fails both compares; ±Infinity is no time (PartBuilder.widen).
    if ((time < this.minTime || time > this.maxTime) && Number.isFinite(time)) {
      if (time < this.minTime) this.minTime = time;
      if (time > this.maxTime) this.maxTime = time;
    }
  }

  /** After the points were handed over: their buffers are emptied, dropped or lent to the next job. */
  handedOver(last: boolean): void {
    if (last) this.points.clear();
    else this.points.reuse();
    this.buf = undefined;
  }

  problem(rel: string, line: number | undefined, reason: string, offset?: number): void {
    if (this.problems.length < LISTED) this.problems.push({ rel, ...(line === undefined ? {} : { line }), reason, ...(offset === undefined ? {} : { offset }) });
    else this.unlisted++;
  }
}

export async function runMetricsJob(job: MetricsJob, io: JobIo): Promise<void> {
  const sink = new Collector();
  const scanner = new NumberScanner();
  const sealer = io.sealer;
  let cursors: Record<string, PartCursor> = {};
  let texts: Record<string, WholeText> | undefined;
  if (job.whole.length > 0) {
    texts = {};
    for (const w of job.whole) texts[w.rel] = readWholeSync(join(job.dir, w.rel), w.size, job.wholeBytes);
  }
  const send = async (done: boolean): Promise<void> => {
    const columns = [...sink.points.byKey].map(([key, b]) => ({ key, steps: b.steps, times: b.times, values: b.values, length: b.length }));
    const { part: sealed, written } = sealer.seal(columns, done);
    const transfer = sealed.plans.flatMap((p) => (p.cols === undefined ? [] : [p.cols.steps.buffer, p.cols.times.buffer, p.cols.values.buffer])) as ArrayBuffer[];
    const part: MetricsPart = { ...(texts === undefined ? {} : { texts }), sealed, cursors, problems: sink.problems, unlisted: sink.unlisted, minTime: sink.minTime, maxTime: sink.maxTime, done };
    // The indexer commits rows that point into the file: a part goes once its bytes are there.
    if (done) io.sendLast(written.then(() => io.send(part, transfer)));
    else {
      await written;
      io.send(part, transfer);
    }
    // seal() copied what it keeps of the columns (chunks into its buffers, inline tails sliced).
    sink.handedOver(done);
    texts = undefined;
    cursors = {};
    sink.problems = [];
    sink.unlisted = 0;
    sink.minTime = Infinity;
    sink.maxTime = -Infinity;
  };
  let stop = false;
  for (const f of job.files) {
    if (stop) break;
    const cursor = newPartCursor();
    cursors[f.rel] = cursor;
    let fd: number | undefined;
    try {
      fd = openSync(join(job.dir, f.rel), 'r');
      const key = metricKey(f.rel);
      const whole = readSmall(fd, f.size, io.scratch);
      if (whole !== undefined) {
        // The file in one read, its fingerprint from the same bytes, lines counted by the parse itself.
        cursor.fingerprint = printOf(whole.buf, whole.got);
        const upTo = Math.min(whole.got, f.size);
        const end = upTo > 0 ? whole.buf.lastIndexOf(10, upTo - 1) + 1 : 0;
        if (end > 0) {
          const lines = metricLines(sink, scanner, f.rel, key, { bytes: whole.buf, start: 0, end, firstLine: 1, offset: 0 });
          cursor.offset = end;
          cursor.lines = lines;
          if (sink.points.total >= job.flushPoints) {
            await send(false);
            cursors[f.rel] = cursor;
            stop = await io.resume();
          }
        }
      } else {
        const file = fd;
        const handle: ReadableFile = { read: (buf, offset, length, position) => Promise.resolve({ bytesRead: readSync(file, buf, offset, length, position) }) };
        const head = Buffer.alloc(FINGERPRINT_BYTES);
        cursor.fingerprint = printOf(head, readSync(fd, head, 0, FINGERPRINT_BYTES, 0));
        for await (const b of readLines(handle, 0, 0, f.size, MAX_LINE_BYTES, io.scratch)) {
          metricLines(sink, scanner, f.rel, key, { bytes: b.bytes, start: b.start, end: b.end, firstLine: b.firstLine, offset: b.endOffset - (b.end - b.start) });
          cursor.offset = b.endOffset;
          cursor.lines = b.endLines;
          if (sink.points.total >= job.flushPoints) {
            await send(false);
            cursors[f.rel] = cursor;
            stop = await io.resume();
            if (stop) break;
          }
        }
      }
    } catch (err) {
      sink.problem(f.rel, undefined, `cannot read (${err instanceof Error ? err.message : String(err)})`);
    } finally {
      if (fd !== undefined) closeSync(fd);
    }
    // A file left midway keeps no size: the next pass sees it changed and reads on from its offset.
    if (!stop) {
      cursor.size = f.size;
      cursor.mtimeMs = f.mtimeMs;
    }
  }
  await send(true);
}

/**
 * A file of up to the read scratch's size (4 MB, below the line cap: no line in it is too long) in one read, and
 * at least its first FINGERPRINT_BYTES (which a file grown since the listing may hold past the listed size).
 * Undefined for a larger file: it is read in batches (tailer.ts readLines).
 */
function readSmall(fd: number, size: number, scratch: ReadScratch): { buf: Buffer; got: number } | undefined {
  if (size > READ_CHUNK) return undefined;
  if (scratch.buf.length < READ_CHUNK) scratch.buf = Buffer.allocUnsafe(READ_CHUNK);
  const buf = scratch.buf;
  const want = Math.max(size, FINGERPRINT_BYTES);
  let got = 0;
  for (let n = -1; n !== 0 && got < want; got += n) n = readSync(fd, buf, got, want - got, got);
  return { buf, got };
}

/** files.ts readWhole, on a worker: the text of a small file, or why it was not read. */
function readWholeSync(path: string, size: number, cap: number): WholeText {
  if (size > cap) return { problem: tooLargeToRead(size, cap) };
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    // The size the pass listed and a little more; a file that grew past that since the listing is read whole.
    let buf = Buffer.allocUnsafe(Math.min(size + 4096, cap));
    let got = 0;
    for (let n = -1; n !== 0; got += n) {
      if (got === buf.length) {
        if (buf.length >= cap) break;
        const bigger = Buffer.allocUnsafe(Math.min(buf.length * 2, cap));
        buf.copy(bigger, 0, 0, got);
        buf = bigger;
      }
      n = readSync(fd, buf, got, buf.length - got, got);
    }
    return { text: buf.toString('utf8', 0, got) };
  } catch (err) {
    return { problem: `cannot read (${errorText(err)})` };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}
