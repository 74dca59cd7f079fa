// A fetched run's meta.json as the records of a Trackside log (docs/log-format.md): start, params, summary,
// artifacts and its status, which the team reader applies as the log reader would (its points come from
// series.bin, see teamReader.ts). Every field comes from someone else's ref: types are checked and anything else
// is dropped or coerced to text here, so the records are well-formed whatever the ref held.
import { intTag, parseWithFloats, stringifyWithFloats } from '../../ingest/floats';

export interface TeamOrigin {
  author: string;
  host: string;
  owner: string;
  /** The remote's name in the fetching repository. */
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

/** Final statuses a log records; `crashed` is what a reader concluded, so it travels in env.team (see runSummary). */
const STATUSES = new Set(['finished', 'failed', 'killed']);
const SHARED_STATUSES = new Set(['running', 'finished', 'failed', 'killed', 'crashed']);

/**
 * The records of a run, in a log's order (without its points); `meta` is meta.json parsed (with its special
 * floats). Each record is in the form the line parser gives (tags of `$float`/`$int` already read).
 */
export function metaRecords(id: string, metaIn: unknown, origin: TeamOrigin): Obj[] {
  const meta = isObj(metaIn) ? metaIn : {};
  const out: Obj[] = [];
  const put = (rec: Obj) => out.push(parseWithFloats(stringifyWithFloats(rec)) as Obj);
  const startTime = num(meta.startTime) ?? 0;
  const lastUpdate = num(meta.lastUpdate) ?? startTime;
  const endTime = num(meta.endTime);
  const ts = (ms: number) => ms / 1000;
  const env: Obj = isObj(meta.env) ? { ...meta.env } : {};
  // Where the run came from, and what it was when shared: a fetched run is not live, so its status is the one it
  // had then (a running one "as of" that time), for the Runs view and `trackside ls --json` (see runSummary.ts).
  const status = str(meta.status, 32);
  const team: Obj = { author: origin.author, host: origin.host, owner: origin.owner, remote: origin.remote };
  if (status !== undefined && SHARED_STATUSES.has(status)) team.status = status;
  team.sharedAt = num(meta.sharedAt) ?? lastUpdate;
  env.team = team;
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
  if (status !== undefined && STATUSES.has(status)) {
    const rec: Obj = { t: 'status', ts: ts(endTime ?? lastUpdate), status };
    const code = num(meta.exitCode);
    if (code !== undefined && Number.isInteger(code)) rec.exit_code = code;
    if (isObj(meta.error)) rec.error = { type: str(meta.error.type) ?? '', message: str(meta.error.message, 100_000) ?? '', traceback: str(meta.error.traceback, 1_000_000) ?? '' };
    put(rec);
  } else {
    put({ t: 'heartbeat', ts: ts(lastUpdate) });
  }
  return out;
}
