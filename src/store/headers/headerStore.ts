// The first rows before the index is open (issue 18): a header scan needs only the run folders, so it starts
// beside sql.js's loading and the reading of the persisted index, and this store answers the Runs view from what
// it listed until the real store is open. The real store then adopts the same headers (OpenOptions.provisional).
import { diffParams, queryRuns } from '../query/query';
import { detailOf, summaryOf, type CachedRun } from '../query/runSummary';
import type { FoundRun, RunSource } from '../sources/runSource';
import { DEFAULT_CRASH_AFTER_MS, discoverRuns, editsDirOf, enabledSources, sourceOf } from '../sources/sources';
import type {
  Diagnostic,
  HeaderScanReport,
  HistogramSeries,
  IndexReport,
  MediaKeyInfo,
  MediaStep,
  ParamsDiffRow,
  RunDetail,
  RunQuery,
  RunStore,
  RunSummary,
  Series,
  SeriesRequest,
  StoreOptions,
  TablePage,
  TableRequest,
  TextPage,
} from '../types';
import { headerSources, type ProvisionalRuns } from './provisionalRuns';

export interface EarlyScanOptions extends Pick<StoreOptions, 'roots' | 'sourcesOff' | 'crashAfterMs' | 'now'> {
  /** The kinds of run to read: all of them unless a test says otherwise (as OpenOptions.sources). */
  sources?: readonly RunSource[];
}

/**
 * Lists the runs under the roots from their headers into `provisional`, with no index open: those the index
 * holds are skipped once a store has adopted `provisional` (until then every run's header is read).
 */
export async function scanHeadersEarly(provisional: ProvisionalRuns, options: EarlyScanOptions, onProgress?: (done: number, total: number) => void): Promise<HeaderScanReport> {
  const found = await discoverRuns(headerSources(enabledSources(options.sources, options.sourcesOff)), { roots: options.roots }, []);
  const withEdits = (c: FoundRun): FoundRun => {
    const editsDir = editsDirOf(c, options.roots);
    return editsDir === c.dir || editsDir === undefined ? c : { ...c, editsDir };
  };
  return provisional.scan(found.map(withEdits), undefined, onProgress);
}

/**
 * A RunStore over the headers alone: lists and details (no metrics) from memory; whatever needs the index (series,
 * media, a pass) waits for the real store (`real`). Closing it closes nothing: the real store has its owner.
 */
export class HeaderStore implements RunStore {
  private readonly sources: RunSource[];
  private readonly crashAfterMs: number;
  private readonly now: () => number;

  constructor(
    private readonly provisional: ProvisionalRuns,
    options: EarlyScanOptions,
    private readonly real: () => Promise<RunStore>,
  ) {
    this.sources = enabledSources(options.sources, options.sourcesOff);
    this.crashAfterMs = options.crashAfterMs ?? DEFAULT_CRASH_AFTER_MS;
    this.now = options.now ?? Date.now;
  }

  private summaryOf(run: CachedRun): RunSummary {
    return summaryOf(run, this.now(), this.crashAfterMs, sourceOf(this.sources, run.state.source)?.capabilities);
  }

  listRuns(query?: RunQuery): RunSummary[] {
    return queryRuns(Array.from(this.provisional.values(), (run) => this.summaryOf(run)), query);
  }

  getRun(id: string): RunDetail | undefined {
    const run = this.provisional.get(id);
    return run === undefined ? undefined : detailOf(run, this.summaryOf(run));
  }

  /** A header holds no metrics. */
  metricKeys(): string[] {
    return [];
  }

  paramsDiff(runIds: string[]): ParamsDiffRow[] {
    return diffParams(runIds.map((id) => this.provisional.get(id)?.state));
  }

  mediaKeys(): MediaKeyInfo[] {
    return [];
  }

  mediaSteps(): number[] {
    return [];
  }

  histogramSeries(): HistogramSeries | undefined {
    return undefined;
  }

  diagnostics(): Diagnostic[] {
    return [];
  }

  index(signal?: AbortSignal, onProgress?: (done: number, total: number) => void): Promise<IndexReport> {
    return this.real().then((s) => s.index(signal, onProgress));
  }

  series(req: SeriesRequest): Promise<Series[]> {
    return this.real().then((s) => s.series(req));
  }

  wholeRun(runId: string): Promise<Series[]> {
    return this.real().then((s) => s.wholeRun(runId));
  }

  mediaAt(runId: string, key: string, step: number | 'latest'): Promise<MediaStep | undefined> {
    return this.real().then((s) => s.mediaAt(runId, key, step));
  }

  mediaTable(req: TableRequest): Promise<TablePage | undefined> {
    return this.real().then((s) => s.mediaTable(req));
  }

  mediaText(runId: string, key: string, step: number | 'latest', maxChars?: number): Promise<TextPage | undefined> {
    return this.real().then((s) => s.mediaText(runId, key, step, maxChars));
  }

  persist(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
