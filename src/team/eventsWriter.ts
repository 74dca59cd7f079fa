// A fetched run (meta.json + series.bin) written back as a Trackside log (docs/log-format.md), so the store reads
// teammates' runs with the reader it already has. Every field comes from someone else's ref: types are checked
// and anything else is dropped or coerced to text here, so the log is well-formed whatever the ref held.
import { intTag, stringifyWithFloats } from '../store';
import type { SeriesColumns } from './seriesCodec';

export interface TeamOrigin {
  author: string;
  host: string;
  owner: string;
  remote: string;
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown, max = 4096): string | undefined => (typeof v === 'string' ? v.slice(0, max) : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const strings = (v: unknown, maxItems: number): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').slice(0, maxItems) : []);

/** Flat values only (string, number, boolean, null, $float): what the store's params and summaries hold. */
function flatValues(v: unknown, digits: unknown): Obj {
  const out: Obj = {};
  if (!isObj(v)) return out;
  const exact = isObj(digits) ? digits : {};
  for (const [k, x] of Object.entries(v)) {
    const d = exact[k];
    const value = typeof d === 'string' && /^-?\d{1,400}$/.test(d) ? intTag(d) : typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean' || x === null ? x : isObj(x) && typeof x.$float === 'string' ? { $float: x.$float } : undefined;
    if (value !== undefined) Object.defineProperty(out, k, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

const STATUSES = new Set(['finished', 'failed', 'killed']);

/** A number as the log format spells it: JSON where JSON can, `{"$float": …}` for NaN and ±Infinity. */
function numText(v: number): string {
  if (Number.isFinite(v)) return Object.is(v, -0) ? '-0' : String(v);
  return `{"$float":"${Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity'}"}`;
}

function sameColumns(a: SeriesColumns, b: SeriesColumns): boolean {
  if (a === b) return true;
  if (a.steps.length !== b.steps.length) return false;
  for (let i = 0; i < a.steps.length; i++) if (a.steps[i] !== b.steps[i] || a.times[i] !== b.times[i]) return false;
  return true;
}

/** The log text of a run; `meta` is meta.json parsed (with its special floats), `series` decoded series.bin. */
export function eventsText(id: string, metaIn: unknown, series: SeriesColumns[], origin: TeamOrigin): string {
  const meta = isObj(metaIn) ? metaIn : {};
  const lines: string[] = [];
  const put = (rec: Obj) => lines.push(stringifyWithFloats(rec));
  const startTime = num(meta.startTime) ?? 0;
  const lastUpdate = num(meta.lastUpdate) ?? startTime;
  const endTime = num(meta.endTime);
  const ts = (ms: number) => ms / 1000;
  const env: Obj = isObj(meta.env) ? { ...meta.env } : {};
  // Where the run came from, for the Runs view's Team group and `trackside ls --json` (see runSummary.ts).
  env.team = { author: origin.author, host: origin.host, owner: origin.owner, remote: origin.remote };
  const start: Obj = {
    t: 'start',
    ts: ts(startTime),
    v: 1,
    id,
    name: str(meta.name, 1024) ?? id,
    project: str(meta.project, 1024) ?? '',
    tags: strings(meta.tags, 1000).map((t) => t.slice(0, 256)),
    argv: strings(meta.argv, 10_000),
    cwd: str(meta.cwd) ?? '',
    executable: str(meta.executable) ?? '',
    env,
  };
  for (const key of ['group', 'notes', 'parent'] as const) {
    const v = str(meta[key], key === 'notes' ? 100_000 : 1024);
    if (v !== undefined) start[key] = v;
  }
  put(start);
  const exact = isObj(meta.exactInts) ? meta.exactInts : {};
  const params = flatValues(meta.params, exact.params);
  if (Object.keys(params).length > 0) put({ t: 'params', ts: ts(startTime), source: 'config', params });
  const overrides = flatValues(meta.overrides, exact.overrides);
  if (Object.keys(overrides).length > 0) put({ t: 'params', ts: ts(startTime), source: 'override', params: overrides });

  // Metrics: one record per (step, time) holding every key logged there; system metrics in their own order. Lines
  // are built as text (this is the hot loop of a fetch: millions of points), numbers spelled as the format wants.
  const main = series.filter((x) => !x.key.startsWith('system/'));
  const system = new Map<number, { time: number; parts: string[] }>();
  for (const x of series) {
    if (!x.key.startsWith('system/')) continue;
    const name = JSON.stringify(x.key.slice('system/'.length));
    for (let i = 0; i < x.steps.length; i++) {
      let at = system.get(x.steps[i]);
      if (at === undefined) system.set(x.steps[i], (at = { time: x.times[i], parts: [] }));
      at.parts.push(`${name}:${numText(x.values[i])}`);
    }
  }
  const sys = [...system.entries()].sort((p, q) => p[0] - q[0]);
  let j = 0;
  const metricLine = (step: number, time: number, body: string) => {
    while (j < sys.length && sys[j][1].time <= time) {
      lines.push(`{"t":"system","ts":${numText(ts(sys[j][1].time))},"values":{${sys[j][1].parts.join(',')}}}`);
      j++;
    }
    lines.push(`{"t":"metrics","ts":${numText(ts(Number.isFinite(time) ? time : lastUpdate))},"step":${step},"values":{${body}}}`);
  };
  const validStep = (step: number) => Number.isInteger(step) && step >= 0 && step <= Number.MAX_SAFE_INTEGER;
  if (main.length > 0 && main.every((x) => sameColumns(x, main[0]))) {
    // The common case: every key logged at every step together.
    const names = main.map((x) => JSON.stringify(x.key));
    const { steps, times } = main[0];
    for (let i = 0; i < steps.length; i++) {
      if (!validStep(steps[i])) continue;
      let body = '';
      for (let k = 0; k < main.length; k++) body += `${k === 0 ? '' : ','}${names[k]}:${numText(main[k].values[i])}`;
      metricLine(steps[i], times[i], body);
    }
  } else {
    const records = new Map<string, { step: number; time: number; parts: string[] }>();
    for (const x of main) {
      const name = JSON.stringify(x.key);
      for (let i = 0; i < x.steps.length; i++) {
        if (!validStep(x.steps[i])) continue;
        const k = `${x.steps[i]}|${x.times[i]}`;
        let rec = records.get(k);
        if (rec === undefined) records.set(k, (rec = { step: x.steps[i], time: x.times[i], parts: [] }));
        rec.parts.push(`${name}:${numText(x.values[i])}`);
      }
    }
    for (const r of [...records.values()].sort((p, q) => p.step - q.step || p.time - q.time)) metricLine(r.step, r.time, r.parts.join(','));
  }
  for (; j < sys.length; j++) lines.push(`{"t":"system","ts":${numText(ts(sys[j][1].time))},"values":{${sys[j][1].parts.join(',')}}}`);

  const summary = flatValues(meta.summary, exact.summary);
  if (Object.keys(summary).length > 0) put({ t: 'summary', ts: ts(lastUpdate), values: summary });
  if (Array.isArray(meta.artifacts)) {
    for (const a of meta.artifacts.slice(0, 10_000)) {
      if (!isObj(a) || typeof a.path !== 'string') continue;
      const rec: Obj = { t: 'artifact', ts: ts(num(a.time) ?? lastUpdate), path: a.path.slice(0, 4096) };
      const kind = str(a.kind, 64);
      if (kind !== undefined) rec.kind = kind;
      const size = num(a.size);
      if (size !== undefined) rec.size = size;
      const sha = str(a.sha256, 64);
      if (sha !== undefined && /^[0-9a-f]{64}$/i.test(sha)) rec.sha256 = sha;
      put(rec);
    }
  }
  const status = str(meta.status, 32);
  if (status !== undefined && STATUSES.has(status)) {
    const rec: Obj = { t: 'status', ts: ts(endTime ?? lastUpdate), status };
    const code = num(meta.exitCode);
    if (code !== undefined && Number.isInteger(code)) rec.exit_code = code;
    if (isObj(meta.error)) rec.error = { type: str(meta.error.type) ?? '', message: str(meta.error.message, 100_000) ?? '', traceback: str(meta.error.traceback, 1_000_000) ?? '' };
    put(rec);
  } else {
    put({ t: 'heartbeat', ts: ts(lastUpdate) });
  }
  return lines.join('\n') + '\n';
}
