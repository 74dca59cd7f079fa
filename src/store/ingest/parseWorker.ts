// A parse worker: runs parseRun for jobs the indexer posts and sends each part back, waiting for the indexer's
// go-ahead between parts so at most one part per worker is in flight. Started by ParsePool; the thread's entry
// (the CLI bundle, or ParsePool's loader from sources) calls serveParseJobs.
import { closeSync, openSync, readSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { parseRun, type ParseJob, type ParsedPart } from './runParser';
import { fingerprintOf, type ReadableFile, type ReadScratch } from './tailer';
import type { SealScratch } from '../index/seriesPlan';
import { WorkerSealer } from './workerSeal';
import { listOnWorker, type Listing } from '../sources/foreign/listJob';
import { foreignJobBytes, runForeignJob, type ForeignJob, type ForeignPart, type JobIo } from '../sources/foreign/workerJobs';

export interface JobMessage {
  type: 'job';
  id: number;
  path: string;
  job: ParseJob;
}
export interface ResumeMessage {
  type: 'resume';
  id: number;
  stop: boolean;
}
/** The pool is done with this worker: finish (a job waiting for its go-ahead stops), then let the thread end. */
export interface CloseMessage {
  type: 'close';
}
/** A job of another tool's format (sources/foreign/workerJobs.ts). */
export interface ForeignMessage {
  type: 'foreign';
  id: number;
  job: ForeignJob;
}
/** Runs of another tool's format to list (sources/foreign/listJob.ts), answered at once, between parts. */
export interface ListMessage {
  type: 'list';
  id: number;
  kind: string;
  dirs: string[];
}
export type ToWorker = JobMessage | ResumeMessage | CloseMessage | ForeignMessage | ListMessage;
export type FromWorker =
  | { type: 'part'; id: number; part: ParsedPart }
  | { type: 'foreignPart'; id: number; part: ForeignPart }
  | { type: 'listed'; id: number; listings: Listing[] }
  | { type: 'error'; id: number; message: string };

/** Seal scratches kept for the next jobs (one per job whose bytes are still being written, at most). */
const SPARE_SCRATCHES = 4;

/** Serves jobs on `port` (the worker's parentPort). */
export function serveParseJobs(port: NonNullable<typeof parentPort>): void {
  const waiting = new Map<number, (stop: boolean) => void>();
  // Jobs run one after another; the pool queues the next ones while this one runs, so no round trip to the
  // indexer's thread sits between them.
  let queue = Promise.resolve();
  const scratch: ReadScratch = { buf: Buffer.alloc(0) };
  // A job's last part goes out when its bytes are written, while the next job is parsed: its seal buffers are
  // lent until then, so each job takes its own from these.
  const spare: SealScratch[] = [];
  const takeScratch = (): SealScratch => spare.pop() ?? { bodies: new Uint8Array(1 << 16), overviews: new Uint8Array(1 << 16) };
  const giveBack = (s: SealScratch) => {
    if (spare.length < SPARE_SCRATCHES) spare.push(s);
  };
  /** Last parts waiting for their writes (the thread ends after them). */
  const sending = new Set<Promise<void>>();
  port.on('message', (msg: ToWorker) => {
    if (msg.type === 'close') {
      for (const resume of waiting.values()) resume(true);
      waiting.clear();
      // Closing the port leaves the thread nothing to wait for, so it ends by itself: terminate() instead can
      // tear the isolate down under a concurrent compile job, which has crashed the whole process (Node 20).
      void queue.then(() => Promise.all(sending)).then(() => port.close());
      return;
    }
    if (msg.type === 'resume') {
      waiting.get(msg.id)?.(msg.stop);
      waiting.delete(msg.id);
      return;
    }
    if (msg.type === 'list') {
      const { id } = msg;
      listOnWorker(msg.kind, msg.dirs).then(
        (listings) => port.postMessage({ type: 'listed', id, listings } satisfies FromWorker),
        (err: unknown) => port.postMessage({ type: 'error', id, message: err instanceof Error ? err.message : String(err) } satisfies FromWorker),
      );
      return;
    }
    if (msg.type === 'foreign') {
      const { id, job } = msg;
      const fail = (err: unknown) => port.postMessage({ type: 'error', id, message: err instanceof Error ? err.message : String(err) } satisfies FromWorker);
      const sealScratch = takeScratch();
      // Made as the job arrives, as for a Trackside log: the point file is created while earlier jobs are parsed.
      const sealer = new WorkerSealer(job.seal, sealScratch, foreignJobBytes(job));
      let last: Promise<void> | undefined;
      const io: JobIo = {
        send: (part: ForeignPart, transfer: ArrayBuffer[]) => port.postMessage({ type: 'foreignPart', id, part } satisfies FromWorker, transfer),
        sendLast: (sent) => (last = sent),
        resume: () => new Promise<boolean>((resolve) => waiting.set(id, resolve)),
        scratch,
        sealer,
      };
      queue = queue.then(async () => {
        try {
          await runForeignJob(job, io);
        } catch (err) {
          fail(err);
        } finally {
          // The last part goes once written, while the next job is parsed.
          const done = (last ?? Promise.resolve())
            .then(
              () => sealer.close(),
              (err: unknown) => {
                fail(err);
                return sealer.close();
              },
            )
            .finally(() => {
              giveBack(sealScratch);
              sending.delete(done);
            });
          sending.add(done);
        }
      });
      return;
    }
    // Made as the job arrives, so a long log's point file is being created while earlier jobs are parsed.
    const sealScratch = msg.job.seal === undefined ? undefined : takeScratch();
    const sealer = msg.job.seal === undefined ? undefined : new WorkerSealer(msg.job.seal, sealScratch, msg.job.end - msg.job.file.offset);
    const fail = (err: unknown) => port.postMessage({ type: 'error', id: msg.id, message: err instanceof Error ? err.message : String(err) } satisfies FromWorker);
    queue = queue.then(async () => {
      // One turn of the event loop per job: jobs queued behind this one arrive (and start creating their files)
      // and finished writes send their parts; parsing alone never yields to it.
      await new Promise((resolve) => setImmediate(resolve));
      let stop = false;
      let last: Promise<void> | undefined;
      try {
        // Synchronous reads, on this worker thread only: with every core busy parsing, each async read waited
        // for a thread-pool thread and a wake-up, which came to a fifth of a cold index.
        const fd = openSync(msg.path, 'r');
        const handle: ReadableFile = { read: (buf, offset, length, position) => Promise.resolve({ bytesRead: readSync(fd, buf, offset, length, position) }) };
        try {
          if (sealer !== undefined) msg.job.file.fingerprint = await fingerprintOf(handle);
          for await (const part of parseRun(handle, msg.job, () => stop, scratch)) {
            if (sealer !== undefined) {
              const { part: sealed, written } = sealer.seal(part.columns, part.done);
              const transfer = sealed.plans.flatMap((p) => (p.cols === undefined ? [] : [p.cols.steps.buffer, p.cols.times.buffer, p.cols.values.buffer])) as ArrayBuffer[];
              const out = { type: 'part', id: msg.id, part: { ...part, columns: [], sealed } } satisfies FromWorker;
              if (part.done) {
                // Sent once written, while the next job is parsed: its state and file are this job's alone.
                last = written.then(() => port.postMessage(out, transfer));
                break;
              }
              await written;
              port.postMessage(out, transfer);
            } else {
              // Exact-length copies, transferred: the reader reuses its buffers after this.
              const columns = part.columns.map((c) => ({ key: c.key, steps: c.steps.slice(0, c.length), times: c.times.slice(0, c.length), values: c.values.slice(0, c.length), length: c.length }));
              const transfer = columns.flatMap((c) => [c.steps.buffer, c.times.buffer, c.values.buffer]);
              port.postMessage({ type: 'part', id: msg.id, part: { ...part, columns } } satisfies FromWorker, transfer);
            }
            if (part.done) break;
            stop = await new Promise<boolean>((resolve) => waiting.set(msg.id, resolve));
          }
        } finally {
          closeSync(fd);
        }
      } catch (err) {
        fail(err);
      } finally {
        const done = (last ?? Promise.resolve()).then(
          () => sealer?.close(),
          (err: unknown) => {
            fail(err);
            return sealer?.close();
          },
        ).finally(() => {
          if (sealScratch !== undefined) giveBack(sealScratch);
          sending.delete(done);
        });
        sending.add(done);
      }
    });
  });
}
