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

  // Metrics: one record per (step, time) holding every key logged there; system metrics in their own order.
  const records = new Map<string, { step: number; time: number; values: Obj }>();
  const system = new Map<number, { time: number; values: Obj }>();
  for (const s of series) {
    if (s.key.startsWith('system/')) {
      const name = s.key.slice('system/'.length);
      for (let i = 0; i < s.steps.length; i++) {
        const at = system.get(s.steps[i]) ?? { time: s.times[i], values: {} };
        Object.defineProperty(at.values, name, { value: s.values[i], enumerable: true, writable: true, configurable: true });
        system.set(s.steps[i], at);
      }
      continue;
    }
    for (let i = 0; i < s.steps.length; i++) {
      const step = s.steps[i];
      if (!Number.isInteger(step) || step < 0 || step > Number.MAX_SAFE_INTEGER) continue;
      const k = `${step}|${s.times[i]}`;
      let rec = records.get(k);
      if (rec === undefined) records.set(k, (rec = { step, time: s.times[i], values: {} }));
      Object.defineProperty(rec.values, s.key, { value: s.values[i], enumerable: true, writable: true, configurable: true });
    }
  }
  const sorted = [...records.values()].sort((a, b) => a.step - b.step || a.time - b.time);
  const sys = [...system.entries()].sort((a, b) => a[0] - b[0]);
  let j = 0;
  for (const r of sorted) {
    while (j < sys.length && sys[j][1].time <= r.time) put({ t: 'system', ts: ts(sys[j][1].time), values: sys[j++][1].values });
    put({ t: 'metrics', ts: ts(Number.isFinite(r.time) ? r.time : lastUpdate), step: r.step, values: r.values });
  }
  for (; j < sys.length; j++) put({ t: 'system', ts: ts(sys[j][1].time), values: sys[j][1].values });

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
