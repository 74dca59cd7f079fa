// Runs known only from their headers (headScan.ts) while the first pass has not read them: listed beside the
// indexed runs so the Runs view has rows at once. Kept apart from the index on purpose: nothing here is ever
// committed or persisted, and an indexed run always wins over its header.
import type { FoundRun, RunSource } from '../sources/runSource';
import { markSource } from '../sources/sources';
import { summaryOf, type CachedRun } from '../query/runSummary';
import type { HeaderScanReport } from '../types';
import { HEAD_BYTES, readHeader, TAIL_BYTES } from './headScan';

/** Logs read at once: enough to keep the thread pool busy, few enough that a pass beside it is not starved. */
export const HEADER_READS_IN_FLIGHT = 32;
/** Readers started at once; the others join once these have read two headers each (see scan). */
const FIRST_READERS = 4;

export class ProvisionalRuns {
  private readonly runs = new Map<string, CachedRun>();
  /**
   * Whether the index holds a run: nothing until a store adopts these headers (a scan may start before the index
   * is open, beside sql.js's loading), then the store's own answer, so a run it holds is neither read nor listed.
   */
  indexed: (id: string) => boolean = () => false;
  /** Headers dropped by close() and not yet named by `settled()`. */
  private readonly done: string[] = [];
  private closed = false;

  get size(): number {
    return this.runs.size;
  }

  get(id: string): CachedRun | undefined {
    return this.runs.get(id);
  }

  values(): IterableIterator<CachedRun> {
    return this.runs.values();
  }

  /**
   * Ids of provisional runs the pass has indexed (`known`) since the last call, whose headers go now: their rows
   * are to be redrawn with what the index holds. Until then the index already wins wherever both are asked.
   */
  settled(known: (id: string) => boolean = this.indexed): string[] {
    const out = this.done.splice(0);
    for (const id of this.runs.keys()) {
      if (!known(id)) continue;
      this.runs.delete(id);
      out.push(id);
    }
    return out;
  }

  /** A full pass ended: every run it found is indexed, so no header is needed any more, nor taken later. */
  close(): void {
    this.closed = true;
    for (const id of this.runs.keys()) this.done.push(id);
    this.runs.clear();
  }

  /**
   * Reads the headers of these runs, HEADER_READS_IN_FLIGHT at a time, skipping those `known` (indexed) when
   * read; `onRun` hears of each run read, listed or not.
   */
  async scan(found: readonly FoundRun[], known: (id: string) => boolean = (id) => this.indexed(id), onRun?: (done: number, total: number) => void): Promise<HeaderScanReport> {
    const started = performance.now();
    let next = 0;
    let done = 0;
    let listed = 0;
    let onStarted!: () => void;
    const ramped = new Promise<void>((resolve) => (onStarted = resolve));
    const worker = async (): Promise<void> => {
      // One buffer per reader, reused for every log it reads: ten thousand fresh 64 KiB buffers were mostly GC.
      const scratch = Buffer.allocUnsafe(Math.max(HEAD_BYTES, TAIL_BYTES));
      while (next < found.length && !this.closed) {
        const run = found[next++];
        if (!known(run.id)) {
          const editsDir = run.editsDir ?? (run.source.capabilities.readOnly ? undefined : run.dir);
          const header = await readHeader({ id: run.id, root: run.root, dir: run.dir, log: run.log, editsDir }, HEAD_BYTES, TAIL_BYTES, scratch);
          // The pass may have indexed the run (or ended) while its header was read: the index wins.
          if (header !== undefined && !known(run.id) && !this.closed) {
            markSource(header.state, run.source);
            if (editsDir !== run.dir && editsDir !== undefined) header.state.editsDir = editsDir;
            const cached: CachedRun = { state: header.state, file: header.file, series: new Map() };
            // The summary is made now, flagged, so every copy of it (a crashed or judged one) says it is not read yet.
            summaryOf(cached, 0, Infinity, run.source.capabilities).provisional = true;
            this.runs.set(run.id, cached);
            listed++;
          }
        }
        // After close() the pass has told the whole story; a late read says nothing.
        if (!this.closed) onRun?.(++done, found.length);
        if (done >= 2 * FIRST_READERS) onStarted();
      }
    };
    // A few readers first, the rest once their first headers are in: the thread pool serves requests in turn, so
    // with all of them at once the first header waited behind a whole round of reads.
    const first = Array.from({ length: Math.min(FIRST_READERS, found.length) }, worker);
    await Promise.race([ramped, Promise.all(first)]);
    const rest = Array.from({ length: Math.max(0, Math.min(HEADER_READS_IN_FLIGHT, found.length) - first.length) }, worker);
    await Promise.all([...first, ...rest]);
    return { listed, ms: Math.round(performance.now() - started) };
  }
}

/** Sources whose runs a header scan can list: those found by listing a folder, each run one log (Trackside's, team). */
export function headerSources(sources: readonly RunSource[]): RunSource[] {
  return sources.filter((s) => s.claim === undefined && s.scan === undefined);
}
