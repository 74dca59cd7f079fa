// Parse workers for large passes: JSON.parse is most of a cold index, and it spreads over cores while the
// indexer's thread writes to sqlite. Small passes never start a worker (starting one costs more than it saves).
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { FromWorker, ToWorker } from './parseWorker';
import type { ParseJob, ParsedPart } from './runParser';
import type { ForeignJob, ForeignPart } from '../sources/foreign/workerJobs';
import type { Listing } from '../sources/foreign/listJob';

let bundledScript: string | undefined;

/** Counts for tests and diagnostics. */
export const poolStats = { workersStarted: 0, partsReceived: 0, workersEnded: 0, workersTerminated: 0, runsListed: 0 };

/**
 * Bundles name the script that serves parse jobs (the CLI passes its own file and calls serveParseJobs when it
 * starts as a worker). From sources, parseWorker.ts beside this file is used.
 */
export function setParseWorkerScript(path: string): void {
  bundledScript = path;
}

/** How to start a worker: a bundled script, or (from sources, under tsx) parseWorker.ts through tsx's loader. */
function workerSource(): { source: string; eval: boolean } | undefined {
  if (bundledScript !== undefined) return { source: bundledScript, eval: false };
  if (__filename.endsWith('.ts')) {
    // dirname(__filename), not __dirname: tsx's ESM interop sets __dirname to a data: URL.
    const script = join(dirname(__filename), 'parseWorker.ts');
    // Synchronous on purpose and harmless: this branch runs only from sources (unit tests, tsx), never in the
    // extension host, whose bundle names its worker script through setParseWorkerScript.
    if (!existsSync(script)) return undefined;
    // `node --import tsx` does not reach worker threads in time to load a .ts entry, so register it here.
    const at = JSON.stringify(script);
    return { source: `const req = require('node:module').createRequire(${at}); req('tsx/cjs/api').register(); req(${at}).serveParseJobs(require('node:worker_threads').parentPort);`, eval: true };
  }
  return undefined;
}

interface Slot {
  worker: Worker;
  /** Jobs given to the worker and not finished parsing (it runs them in order). */
  load: number;
}

/**
 * Jobs a worker holds at once: the one it parses and those queued in its port. With one, every run cost a
 * round trip through the indexer's thread (often busy committing) before the worker could start the next:
 * measured at a quarter of each worker's time in a cold index. With two, on a loaded machine each job's post
 * still often had to wake a worker that had run dry (a cold index of 1,000 runs spent about 4 s of the indexer's
 * thread in those posts, 0.5 s with eight, and each worker idled 2 s instead of 5 s). A queued job is small.
 */
const JOBS_PER_WORKER = 8;

export class ParsePool {
  private readonly slots: Slot[] = [];
  private readonly handlers = new Map<number, (msg: FromWorker) => void>();
  private nextId = 1;
  private broken = false;
  private readonly waiting: Array<() => void> = [];
  /** Runs to list on the workers, sent together once this tick's calls are in (see list). */
  private toList: Array<{ kind: string; dir: string; resolve: (l: Listing) => void; reject: (err: Error) => void }> = [];

  private constructor(start: { source: string; eval: boolean }, size: number) {
    for (let i = 0; i < size; i++) {
      // A bundled worker takes none of the host's flags, in the extension host as anywhere: it needs none, and
      // under `node --import tsx` (the benchmarks) each worker also started tsx's module hooks (a cold index of
      // 10 M points took 2.85 s instead of 2.48 s, medians of 4).
      const worker = new Worker(start.source, { eval: start.eval, workerData: { tracksideParseWorker: true }, ...(start.eval ? {} : { execArgv: [] }) });
      poolStats.workersStarted++;
      worker.unref();
      worker.on('message', (msg: FromWorker) => this.handlers.get(msg.id)?.(msg));
      worker.on('error', (err) => this.fail(err));
      worker.on('exit', (code) => code !== 0 && this.fail(new Error(`parse worker exited with code ${code}`)));
      this.slots.push({ worker, load: 0 });
    }
  }

  /**
   * A pool when a worker script is available and the machine has more than one core; undefined otherwise.
   * One worker per core, up to 3. Profiling a cold index on 2 cores showed the indexer's thread idle most of the
   * time waiting for a single worker: writing to sqlite is the lighter half, so it can share a core.
   */
  static create(size = Math.max(1, Math.min(3, cpus().length))): ParsePool | undefined {
    const start = workerSource();
    if (start === undefined || cpus().length < 2) return undefined;
    try {
      return new ParsePool(start, size);
    } catch {
      return undefined;
    }
  }

  get usable(): boolean {
    return !this.broken;
  }

  private fail(err: Error): void {
    this.broken = true;
    for (const [id, handler] of this.handlers) handler({ type: 'error', id, message: err.message });
    for (const wake of this.waiting.splice(0)) wake();
  }

  /**
   * Parses one run in a free worker. `onPart` commits each part and says whether to go on; the promise settles
   * after the last part (or rejects if the worker failed, and then nothing after the last committed part counts).
   */
  async run(path: string, job: ParseJob, onPart: (part: ParsedPart) => Promise<boolean>): Promise<void> {
    return this.runOn(await this.takeSlot(), (id) => ({ type: 'job', id, path, job }), onPart);
  }

  /** Runs a job of another tool's format (sources/foreign/workerJobs.ts) in a free worker, as `run` does. */
  async runForeign(job: ForeignJob, onPart: (part: ForeignPart) => Promise<boolean>): Promise<void> {
    return this.runOn(await this.takeSlot(), (id) => ({ type: 'foreign', id, job }), onPart);
  }

  /**
   * Lists a run of another tool's format on a worker (sources/foreign/listJob.ts), as RunSource.scan would here.
   * The calls of one tick (a pass lists a batch of runs at once) go as one message per worker: a round trip per
   * worker, not per run. Rejects when the workers failed; the caller then lists on its own thread.
   */
  list(kind: string, dir: string): Promise<Listing> {
    if (this.broken) return Promise.reject(new Error('parse workers failed'));
    return new Promise<Listing>((resolve, reject) => {
      if (this.toList.length === 0) queueMicrotask(() => this.sendLists());
      this.toList.push({ kind, dir, resolve, reject });
    });
  }

  private sendLists(): void {
    const all = this.toList;
    this.toList = [];
    if (this.slots.length === 0 || this.broken) {
      const err = new Error('parse workers are closed');
      for (const r of all) r.reject(err);
      return;
    }
    const kinds = new Map<string, typeof all>();
    for (const r of all) {
      const same = kinds.get(r.kind);
      if (same === undefined) kinds.set(r.kind, [r]);
      else same.push(r);
    }
    for (const [kind, runs] of kinds) {
      // An equal share each: they arrive while the workers parse, and each answers between two of its parts.
      const share = Math.ceil(runs.length / this.slots.length);
      for (let at = 0, w = 0; at < runs.length; at += share, w++) {
        const group = runs.slice(at, at + share);
        const id = this.nextId++;
        this.handlers.set(id, (msg) => {
          this.handlers.delete(id);
          if (msg.type === 'listed') {
            poolStats.runsListed += group.length;
            group.forEach((r, i) => r.resolve(msg.listings[i]));
          } else {
            const err = new Error(msg.type === 'error' ? msg.message : `unexpected ${msg.type} for a listing`);
            for (const r of group) r.reject(err);
          }
        });
        this.slots[w].worker.postMessage({ type: 'list', id, kind, dirs: group.map((r) => r.dir) } satisfies ToWorker);
      }
    }
  }

  private async takeSlot(): Promise<Slot> {
    let slot = this.freeSlot();
    while (slot === undefined && !this.broken) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
      slot = this.freeSlot();
    }
    if (slot === undefined || this.broken) throw new Error('parse workers failed');
    return slot;
  }

  /** The least loaded worker that can take another job. */
  private freeSlot(): Slot | undefined {
    let best: Slot | undefined;
    for (const s of this.slots) if (s.load < JOBS_PER_WORKER && (best === undefined || s.load < best.load)) best = s;
    return best;
  }

  /** Jobs the pool takes at once: callers keep this many runs in flight (plus those being committed). */
  get capacity(): number {
    return this.slots.length * JOBS_PER_WORKER;
  }

  private runOn<P extends ParsedPart | ForeignPart>(slot: Slot, message: (id: number) => ToWorker, onPart: (part: P) => Promise<boolean>): Promise<void> {
    slot.load++;
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        slot.load--;
        this.waiting.shift()?.();
      };
      const finish = (err?: Error) => {
        if (settled) return;
        settled = true;
        this.handlers.delete(id);
        release();
        if (err) reject(err);
        else resolve();
      };
      this.handlers.set(id, (msg) => {
        if (msg.type === 'error') return finish(new Error(msg.message));
        if (msg.type === 'listed') return finish(new Error('a listing came for a parse job'));
        poolStats.partsReceived++;
        // Replies to this id are parts of the job posted below: P is the kind it sends.
        const part = msg.part as P;
        // The worker is done with this job once it sent the last part: give it the next job while this one
        // is committed, so it does not idle through the commit.
        if (part.done) release();
        onPart(part).then(
          (goOn) => {
            // The worker may have failed while the part was being committed.
            if (settled) return;
            if (part.done) return finish();
            slot.worker.postMessage({ type: 'resume', id, stop: !goOn } satisfies ToWorker);
          },
          (err: unknown) => {
            if (settled) return;
            slot.worker.postMessage({ type: 'resume', id, stop: true } satisfies ToWorker);
            finish(err instanceof Error ? err : new Error(String(err)));
          },
        );
      });
      slot.worker.postMessage(message(id));
    });
  }

  /** Lets every worker finish and end by itself; one that has not ended within 5 s is terminated. */
  async close(): Promise<void> {
    await Promise.all(this.slots.splice(0).map((s) => endWorker(s.worker)));
  }
}

const END_GRACE_MS = 5000;

function endWorker(worker: Worker): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      poolStats.workersTerminated++;
      void worker.terminate().then(() => resolve(), () => resolve());
    }, END_GRACE_MS);
    worker.once('exit', () => {
      clearTimeout(timer);
      poolStats.workersEnded++;
      resolve();
    });
    worker.postMessage({ type: 'close' } satisfies ToWorker);
  });
}
