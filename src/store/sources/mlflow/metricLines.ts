// MLflow metric lines (`timestamp value step`; `timestamp value` before MLflow 1.0, step 0), read from the bytes in
// place: the same loop serves a run read on the indexer's thread and one read on a parse worker (metricsJob.ts),
// so both give the same points and the same problems.
import type { ByteLines } from '../foreign/files';
import type { NumberScanner } from '../foreign/numbers';

/** Where the points and bad lines go: the run's PartBuilder, or a worker's collector. */
export interface MetricSink {
  point(key: string, step: number, time: number, value: number): void;
  problem(rel: string, line: number | undefined, reason: string, offset?: number): void;
}

export const METRICS = 'metrics/';

/** The metric key of a file under metrics/ (keys with `/` are folders). */
export const metricKey = (rel: string): string => rel.slice(METRICS.length);

/** Reads the complete lines `l` holds; returns how many there were. */
export function metricLines(b: MetricSink, s: NumberScanner, rel: string, key: string, l: ByteLines): number {
  const { bytes } = l;
  let lineNo = l.firstLine;
  const end = l.end;
  for (let i = l.start; i < end; lineNo++) {
    // The usual line, `timestamp value step\n`, is read without a search for its end first (a native call per
    // line). No number's bytes include a \n, so each read stops where it would with the line's end as bound.
    if (s.read(bytes, i, end) && bytes[s.pos] === 32 && Number.isFinite(s.num)) {
      const time = s.num;
      if (s.read(bytes, s.pos + 1, end) && bytes[s.pos] === 32) {
        const value = s.num;
        if (s.read(bytes, s.pos + 1, end) && s.pos < end && bytes[s.pos] === 10 && Number.isFinite(s.num)) {
          b.point(key, s.num, time, value);
          i = s.pos + 1;
          continue;
        }
      }
    }
    const nl = bytes.indexOf(10, i);
    let e = nl;
    if (e > i && bytes[e - 1] === 13) e--;
    if (e > i) {
      let ok = s.read(bytes, i, e) && Number.isFinite(s.num) && bytes[s.pos] === 32;
      const time = s.num;
      ok = ok && s.read(bytes, s.pos + 1, e);
      const value = s.num;
      let step = 0;
      if (ok && s.pos !== e) {
        ok = bytes[s.pos] === 32 && s.read(bytes, s.pos + 1, e) && s.pos === e && Number.isFinite(s.num);
        step = s.num;
      }
      if (ok) b.point(key, step, time, value);
      else b.problem(rel, lineNo, `not "timestamp value step": ${JSON.stringify(bytes.toString('utf8', i, Math.min(e, i + 60)))}`, l.offset + (i - l.start));
    }
    i = nl + 1;
  }
  return lineNo - l.firstLine;
}
