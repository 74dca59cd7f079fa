// What every foreign reader writes to: it parses its format and calls this (points by key, state fields,
// problems); the builder hands the store parts of bounded size exactly as the Trackside reader does, so an
// importer is "parse the format → calls on a PartBuilder" and nothing of the index or the JSONL parser.
import { flattenInto, setOwn } from '../../ingest/records';
import type { ParsedPart } from '../../ingest/runParser';
import { MAX_PROBLEM_DETAILS, type FileState, type LoggedStatus, type RunState } from '../../ingest/runState';
import { PendingPoints } from '../../ingest/seriesBuffer';
import type { SealedPart } from '../../ingest/workerSeal';
import { REPORT_DETAILS } from '../../ingest/runParser';
import type { ParamValue } from '../../types';
import type { ReadFrom } from '../runSource';

/** A value from a foreign file as a param or summary value: scalars as they are, anything else as JSON text. */
export function paramValue(v: unknown): ParamValue {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
  if (typeof v === 'number') return v;
  if (v === undefined) return null;
  try {
    return JSON.stringify(v) ?? null;
  } catch {
    return String(v);
  }
}

export class PartBuilder {
  readonly state: RunState;
  readonly file: FileState;
  private readonly points = new PendingPoints();
  private count = 0;
  private details: Array<{ line: number; reason: string }> = [];

  constructor(
    private readonly from: ReadFrom,
    private readonly commit: (part: ParsedPart) => Promise<void>,
    private readonly stopped: () => boolean,
  ) {
    this.state = from.state;
    this.file = from.file;
  }

  /** One point of a metric; `time` in Unix ms (NaN when the format has none). Non-finite values are kept. */
  point(key: string, step: number, time: number, value: number): void {
    this.points.add(key, step, time, value);
    // Most points lie between times already seen (the run's state only ever widens to them): two compares of
    // plain numbers instead of reading the state's optional fields per point. NaN fails both.
    if (time < this.minTime || time > this.maxTime) this.widen(time);
  }

  /** Bounds of the point times this builder has seen; the state's own bounds are at least as wide. */
  private minTime = Infinity;
  private maxTime = -Infinity;

  /** Point times seen elsewhere (a parse worker's part): the run's time bounds widen to them. */
  times(min: number, max: number): void {
    if (min <= max) {
      this.widen(min);
      this.widen(max);
    }
  }

  private widen(time: number): void {
    if (!Number.isFinite(time)) return;
    if (time < this.minTime) this.minTime = time;
    if (time > this.maxTime) this.maxTime = time;
    if (this.state.firstTime === undefined || time < this.state.firstTime) this.state.firstTime = time;
    if (this.state.lastUpdate === undefined || time > this.state.lastUpdate) this.state.lastUpdate = time;
  }

  /**
   * A problem in one of the run's files, kept with the run's diagnostics: `rel` is the file (relative to the run
   * folder), `line` its 1-based line when there is one (else 0), and `offset` a byte offset when that says more.
   */
  problem(rel: string, line: number | undefined, reason: string, offset?: number): void {
    const where = offset === undefined ? '' : ` at byte ${offset}`;
    const text = `${rel}${where}: ${reason}`;
    const l = line ?? 0;
    this.state.problems.count++;
    if (this.state.problems.first.length < MAX_PROBLEM_DETAILS) this.state.problems.first.push({ line: l, reason: text });
    this.count++;
    if (this.details.length < REPORT_DETAILS) this.details.push({ line: l, reason: text });
  }

  /** Problems counted elsewhere (a parse worker) beyond those it listed: counted, not listed. */
  moreProblems(count: number): void {
    this.state.problems.count += count;
    this.count += count;
  }

  /** Params from a nested config (flattened with dots, as Trackside's own params are). */
  params(values: Record<string, unknown>): void {
    flattenInto(this.state.params, values);
  }

  param(key: string, value: unknown): void {
    setOwn(this.state.params, key, paramValue(value));
  }

  summary(key: string, value: unknown): void {
    setOwn(this.state.summary, key, paramValue(value));
  }

  status(status: LoggedStatus | undefined): void {
    if (status === undefined) delete this.state.status;
    else this.state.status = status;
  }

  /** Any time the run shows it was alive (a heartbeat, a file's mtime): keeps a live run from looking crashed. */
  touched(time: number | undefined): void {
    if (time === undefined || !Number.isFinite(time)) return;
    if (this.state.lastUpdate === undefined || time > this.state.lastUpdate) this.state.lastUpdate = time;
  }

  /** The part size in points (ReadFrom.flushPoints), for readers that parse elsewhere. */
  get flushPoints(): number {
    return this.from.flushPoints;
  }

  /**
   * Points a parse worker sealed into the run's new point file (a run read from the start only, see
   * workerSeal.ts): a part that is not the last is committed now; the last goes with finish(). Points and sealed
   * parts never mix in one read: the indexer takes a sealed part's rows, not its columns.
   */
  async sealedPart(sealed: SealedPart, last: boolean): Promise<boolean> {
    if (this.points.total > 0) throw new Error('points parsed here and sealed on a worker in one read');
    if (last) this.lastSealed = sealed;
    else await this.commit({ ...this.part(false, false), sealed });
    return !this.stopped();
  }

  private lastSealed: SealedPart | undefined;

  /** Hands over a part when enough points wait (memory stays bounded); false once the pass is told to stop. */
  async flush(): Promise<boolean> {
    if (this.points.total >= this.from.flushPoints) {
      await this.commit(this.part(false, false));
      // The commit has sealed the columns (or failed): their arrays are free for the next part.
      this.points.reuse();
    }
    return !this.stopped();
  }

  /** The last part: everything the reader meant to read was read, unless it was told to stop. */
  async finish(): Promise<void> {
    try {
      const part = this.part(true, !this.stopped());
      if (this.lastSealed !== undefined && this.points.total > 0) throw new Error('points parsed here and sealed on a worker in one read');
      await this.commit(this.lastSealed === undefined ? part : { ...part, sealed: this.lastSealed });
    } finally {
      this.points.clear();
    }
  }

  private part(done: boolean, complete: boolean): ParsedPart {
    const columns = [];
    for (const [key, b] of this.points.byKey) if (b.length > 0) columns.push({ key, steps: b.steps, times: b.times, values: b.values, length: b.length });
    // The file positions as they are now: reading goes on (and moves them) after the part is handed over.
    const file = this.file.parts === undefined ? this.file : { ...this.file, parts: structuredClone(this.file.parts) };
    const part: ParsedPart = { state: this.state, file, columns, count: this.count, details: this.details, done, complete };
    this.count = 0;
    this.details = [];
    return part;
  }
}
