// Reads a run's new log lines and turns them into state changes and points, in parts of bounded size. The same
// code runs in the indexer's thread or in a parse worker (parseWorker.ts); either way the indexer commits each
// part together with the offset it reached, so a stop between parts loses nothing and repeats nothing.
import { isUtf8 } from 'node:buffer';
import { parseLine } from './lineParser';
import { MetricsLineReader } from './metricsLine';
import { applyMetricsLine, applyRecord } from './records';
import type { MediaRow } from './mediaRecord';
import { MAX_PROBLEM_DETAILS, type FileState, type RunState } from './runState';
import { PendingPoints } from './seriesBuffer';
import { MAX_LINE_BYTES, readLines, type ReadableFile, type ReadScratch } from './tailer';
import type { SealedPart, SealTarget } from './workerSeal';

/** Line-level details kept per file in one index report. */
export const REPORT_DETAILS = 20;

export interface ParseJob {
  /** Read up to this offset (the size stat saw). */
  end: number;
  state: RunState;
  file: FileState;
  flushPoints: number;
  /** For a run indexed from scratch on a worker: seal its points there, into this new file (see workerSeal.ts). */
  seal?: SealTarget;
}

export interface Columns {
  key: string;
  steps: Float64Array;
  times: Float64Array;
  values: Float64Array;
  length: number;
}

export interface ParsedPart {
  state: RunState;
  file: FileState;
  columns: Columns[];
  /** Bad lines in this part: how many, and the first few. */
  count: number;
  details: Array<{ line: number; reason: string }>;
  /** The last part: everything up to `end` was read, or the reader was told to stop. */
  done: boolean;
  /** The last part, and nothing was left unread. */
  complete: boolean;
  /** Media records read in this part, committed with it (absent when none). */
  media?: MediaRow[];
  /** Set when a worker sealed the part's points (`columns` is then empty). */
  sealed?: SealedPart;
}

/** Media rows from which a part is committed early, so a log of many media lines stays bounded in memory. */
const MEDIA_FLUSH = 50_000;

const BAD_UTF8 = 'not valid UTF-8: the bad bytes are read as U+FFFD (later such lines in this file are not reported)';

// One reader for every run: read() finishes before anything else runs, and the keys it remembers are only a
// cache (checked byte for byte), so runs parsed in turn share it, and keep its key strings from run to run.
const metricsReader = new MetricsLineReader();

/**
 * Yields parts: one whenever `flushPoints` points are waiting, and a last one. Between yields the caller
 * commits the part; `state`, `file` and the columns are reused after the generator resumes.
 */
export async function* parseRun(handle: ReadableFile, job: ParseJob, stopped: () => boolean, scratch?: ReadScratch): AsyncGenerator<ParsedPart> {
  const { state, file } = job;
  const points = new PendingPoints();
  let media: MediaRow[] = [];
  let details: Array<{ line: number; reason: string }> = [];
  let count = 0;
  let lineNo = 0;
  let lastComplaintLine = -1;
  const complain = (reason: string, line = lineNo) => {
    if (line === lastComplaintLine) return;
    lastComplaintLine = line;
    state.problems.count++;
    if (state.problems.first.length < MAX_PROBLEM_DETAILS) state.problems.first.push({ line, reason });
    count++;
    if (details.length < REPORT_DETAILS) details.push({ line, reason });
  };
  const part = (done: boolean, complete = false): ParsedPart => {
    const columns = [...points.byKey].map(([key, b]) => ({ key, steps: b.steps, times: b.times, values: b.values, length: b.length }));
    const p: ParsedPart = { state, file, columns, count, details, done, complete };
    if (media.length > 0) p.media = media;
    media = [];
    details = [];
    count = 0;
    return p;
  };

  // The buffers go back for the next run however the caller stops iterating (a worker breaks after the last part).
  try {
    for await (const batch of readLines(handle, file.offset, file.lines, job.end, MAX_LINE_BYTES, scratch)) {
      const { bytes, end } = batch;
      lineNo = batch.firstLine;
      for (let i = batch.start; i < end; lineNo++) {
        // The reader finds the end of a line it takes; only other lines need a search for it.
        const taken = metricsReader.read(bytes, i, end);
        const nl = taken >= 0 ? taken : bytes.indexOf(10, i);
        if (nl - i >= MAX_LINE_BYTES) {
          // reported from batch.tooLong
        } else if (taken >= 0) applyMetricsLine(state, file, metricsReader, points);
        else if (nl > i && !(nl === i + 1 && bytes[i] === 13)) {
          // Not a blank line.
          const parsed = parseLine(bytes.toString('utf8', i, nl));
          // Decoding put U+FFFD for the bad bytes and the line is kept; the user is told once per file.
          const badUtf8 = file.badUtf8Line === undefined && !isUtf8(bytes.subarray(i, nl));
          if (badUtf8) file.badUtf8Line = lineNo;
          if (parsed.ok) {
            if (badUtf8) complain(BAD_UTF8);
            applyRecord(state, file, parsed.record, points, complain, media);
          } else complain(badUtf8 ? `${parsed.reason}; ${BAD_UTF8}` : parsed.reason);
        }
        i = nl + 1;
      }
      for (const line of batch.tooLong) complain(`line longer than ${MAX_LINE_BYTES >> 20} MB skipped`, line);
      file.offset = batch.endOffset;
      file.lines = batch.endLines;
      if (stopped()) break;
      if (points.total >= job.flushPoints || media.length >= MEDIA_FLUSH) {
        yield part(false);
        points.clear();
      }
    }
    yield part(true, !stopped());
  } finally {
    points.clear();
  }
}
