// A parse worker: runs parseRun for jobs the indexer posts and sends each part back, waiting for the indexer's
// go-ahead between parts so at most one part per worker is in flight. Started by ParsePool; the thread's entry
// (the CLI bundle, or ParsePool's loader from sources) calls serveParseJobs.
import { open } from 'node:fs/promises';
import { parentPort } from 'node:worker_threads';
import { parseRun, type ParseJob, type ParsedPart } from './runParser';

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
export type ToWorker = JobMessage | ResumeMessage;
export type FromWorker = { type: 'part'; id: number; part: ParsedPart } | { type: 'error'; id: number; message: string };

/** Serves jobs on `port` (the worker's parentPort). */
export function serveParseJobs(port: NonNullable<typeof parentPort>): void {
  const waiting = new Map<number, (stop: boolean) => void>();
  port.on('message', (msg: ToWorker) => {
    if (msg.type === 'resume') {
      waiting.get(msg.id)?.(msg.stop);
      waiting.delete(msg.id);
      return;
    }
    void (async () => {
      let stop = false;
      try {
        const handle = await open(msg.path, 'r');
        try {
          for await (const part of parseRun(handle, msg.job, () => stop)) {
            // Exact-length copies, transferred: the reader reuses its buffers after this.
            const columns = part.columns.map((c) => ({ key: c.key, steps: c.steps.slice(0, c.length), times: c.times.slice(0, c.length), values: c.values.slice(0, c.length), length: c.length }));
            const transfer = columns.flatMap((c) => [c.steps.buffer, c.times.buffer, c.values.buffer]);
            port.postMessage({ type: 'part', id: msg.id, part: { ...part, columns } } satisfies FromWorker, transfer);
            if (part.done) break;
            stop = await new Promise<boolean>((resolve) => waiting.set(msg.id, resolve));
          }
        } finally {
          await handle.close();
        }
      } catch (err) {
        port.postMessage({ type: 'error', id: msg.id, message: err instanceof Error ? err.message : String(err) } satisfies FromWorker);
      }
    })();
  });
}
