// Applies one parsed log record to a run's state. Wrong field types are reported and that field (or the whole
// record, when nothing of it is usable) is skipped; nothing here throws on bad input.
import { intTagDigits, needsDigits, numberFrom, specialFloat, stringifyWithFloats } from './floats';
import type { MetricsLine } from './metricsLine';
import { noteMedia, parseMedia, type MediaRow } from './mediaRecord';
import type { PendingPoints } from './seriesBuffer';
import type { FileState, LoggedStatus, ProcInfo, RankInfo, RunState } from './runState';
import type { ErrorSummary, ExactInts, ParamValue, RunEnvironment } from '../types';

const STATUSES: ReadonlySet<string> = new Set(['running', 'finished', 'failed', 'killed']);
const MAX_DEPTH = 32;

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

/** Sets an own property, even one named `__proto__` (plain assignment would change the prototype instead). */
export function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

/** Called for every flattened key set, with the exact digits when its value was an `$int` the double rounds. */
export type OnLeaf = (name: string, digits: string | undefined) => void;

/**
 * Flattens nested objects with dots into `out`; arrays become their JSON text. `$float` and `$int` objects are
 * values: an `$int` is stored as its nearest double, and `onLeaf` hears its digits.
 */
export function flattenInto(out: Record<string, ParamValue>, value: Record<string, unknown>, prefix = '', depth = 0, onLeaf?: OnLeaf): void {
  for (const key of Object.keys(value)) {
    const v = value[key];
    const name = prefix === '' ? key : `${prefix}.${key}`;
    let digits: string | undefined;
    if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
      setOwn(out, name, v);
    } else if (Array.isArray(v)) {
      // The text keeps `$int` objects as they are: exact, and JSON any reader can take apart again.
      setOwn(out, name, stringifyWithFloats(v));
    } else if (typeof v === 'object') {
      const special = specialFloat(v);
      const tagged = special === undefined ? intTagDigits(v) : undefined;
      if (special !== undefined) setOwn(out, name, special);
      else if (tagged !== undefined) {
        setOwn(out, name, Number(tagged));
        if (needsDigits(tagged)) digits = tagged;
      } else if (depth >= MAX_DEPTH) setOwn(out, name, stringifyWithFloats(v));
      else {
        flattenInto(out, v as Record<string, unknown>, name, depth + 1, onLeaf);
        continue;
      }
    } else continue;
    onLeaf?.(name, digits);
  }
}

type ExactField = 'params' | 'overrides' | 'summary';

/** Records (or forgets, when `digits` is undefined) the exact digits of one flattened key; drops empty maps. */
function setDigits(state: RunState, field: ExactField, name: string, digits: string | undefined): void {
  if (digits === undefined) {
    const map = state.exactInts?.[field];
    if (map === undefined || !Object.hasOwn(map, name)) return;
    delete map[name];
    if (Object.keys(map).length === 0) dropExact(state, field);
    return;
  }
  state.exactInts ??= {};
  const map = (state.exactInts[field] ??= {});
  setOwn(map, name, digits);
}

function dropExact(state: RunState, part: keyof ExactInts): void {
  if (state.exactInts === undefined) return;
  delete state.exactInts[part];
  if (Object.keys(state.exactInts).length === 0) delete state.exactInts;
}

function exactSink(state: RunState, field: ExactField): OnLeaf {
  return (name, digits) => setDigits(state, field, name, digits);
}

/** Receives a complaint about the current line; the caller adds file and line number. */
export type Complain = (reason: string) => void;

function optionalString(rec: Record<string, unknown>, field: string, complain: Complain): string | undefined {
  const v = rec[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  complain(`"${field}" should be a string`);
  return undefined;
}

function applyStart(state: RunState, rec: Record<string, unknown>, time: number, complain: Complain): void {
  state.hasStart = true;
  if (typeof rec.v === 'number') state.formatVersion = rec.v;
  const id = optionalString(rec, 'id', complain);
  if (id !== undefined) state.loggedId = id;
  const name = optionalString(rec, 'name', complain);
  if (name !== undefined) state.name = name;
  const project = optionalString(rec, 'project', complain);
  if (project !== undefined) state.project = project;
  const group = optionalString(rec, 'group', complain);
  if (group !== undefined) state.group = group;
  const parent = optionalString(rec, 'parent', complain);
  if (parent !== undefined) state.parent = parent;
  const notes = optionalString(rec, 'notes', complain);
  if (notes !== undefined) state.notes = notes;
  const cwd = optionalString(rec, 'cwd', complain);
  if (cwd !== undefined) state.cwd = cwd;
  const executable = optionalString(rec, 'executable', complain);
  if (executable !== undefined) state.executable = executable;
  if (rec.tags !== undefined) {
    if (isStringArray(rec.tags)) state.tags = [...new Set(rec.tags)];
    else complain('"tags" should be an array of strings');
  }
  if (rec.argv !== undefined) {
    if (isStringArray(rec.argv)) state.argv = rec.argv;
    else complain('"argv" should be an array of strings');
  }
  if (rec.env !== undefined) {
    if (isObject(rec.env)) {
      state.env = normaliseEnv(rec.env);
      const digits = intTagDigits(rec.env.seed);
      if (digits !== undefined && needsDigits(digits)) (state.exactInts ??= {}).seed = digits;
      else dropExact(state, 'seed');
    } else complain('"env" should be an object');
  }
  if (Number.isFinite(time)) state.startTime = time;
  if (rec.proc !== undefined) {
    const proc = procOf(rec.proc);
    if (proc !== undefined) state.proc = proc;
    else complain('"proc" should be an object with "host" and "pid"');
  }
  if (rec.rank !== undefined) {
    const rank = rankOf(rec.rank);
    if (rank === undefined) complain('"rank" should be an object with integer "rank" and "world_size" and a "host"');
    else {
      // A second start in one log is the same rank started again: a changed world size is an elastic restart.
      const before = state.rank?.worldSize;
      if (before !== undefined && before !== rank.worldSize) state.worldSizes = [...new Set([...(state.worldSizes ?? [before]), rank.worldSize])];
      state.rank = rank;
      state.proc = { host: rank.host, pid: rank.pid, pidStart: rank.pidStart, bootId: rank.bootId, ...(rank.pidNs !== undefined ? { pidNs: rank.pidNs } : {}) };
    }
  }
}

const intOrNull = (v: unknown): number | null => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : null);
/** Host names and boot ids come from the log: bounded, and never trusted to be anything but text. */
const textOrNull = (v: unknown, max: number): string | null => (typeof v === 'string' && v !== '' ? v.slice(0, max) : null);

function procOf(v: unknown): ProcInfo | undefined {
  if (!isObject(v)) return undefined;
  const host = textOrNull(v.host, 255);
  if (host === null) return undefined;
  const out: ProcInfo = { host, pid: intOrNull(v.pid), pidStart: intOrNull(v.pid_start), bootId: textOrNull(v.boot_id, 64) };
  const pidNs = textOrNull(v.pid_ns, 64);
  if (pidNs !== null) out.pidNs = pidNs;
  return out;
}

function rankOf(v: unknown): RankInfo | undefined {
  const proc = procOf(v);
  if (proc === undefined || !isObject(v)) return undefined;
  const rank = intOrNull(v.rank);
  const worldSize = intOrNull(v.world_size);
  if (rank === null || worldSize === null || worldSize < 1) return undefined;
  const out: RankInfo = { ...proc, rank, worldSize, localRank: intOrNull(v.local_rank), launcher: textOrNull(v.launcher, 32) ?? 'env' };
  const job = textOrNull(v.job, 200);
  if (job !== null) out.job = job;
  const restart = intOrNull(v.restart);
  if (restart !== null) out.restart = restart;
  return out;
}

function normaliseEnv(env: Record<string, unknown>): RunEnvironment {
  const out: RunEnvironment = { ...env };
  if (isObject(env.git)) {
    const git = env.git;
    out.git = {
      ...(typeof git.commit === 'string' ? { commit: git.commit } : {}),
      ...(typeof git.branch === 'string' ? { branch: git.branch } : {}),
      ...(typeof git.dirty === 'boolean' ? { dirty: git.dirty } : {}),
      ...(typeof git.diff_artifact === 'string' ? { diffArtifact: git.diff_artifact } : {}),
      ...(typeof git.diffArtifact === 'string' ? { diffArtifact: git.diffArtifact } : {}),
      ...(typeof git.remote === 'string' ? { remote: git.remote } : {}),
    };
  } else {
    delete out.git;
  }
  if (!isObject(env.python)) delete out.python;
  if (env.packages !== undefined && !isObject(env.packages)) delete out.packages;
  if (env.os !== undefined && typeof env.os !== 'string') delete out.os;
  if (env.hostname !== undefined && typeof env.hostname !== 'string') delete out.hostname;
  const seed = intTagDigits(env.seed);
  if (seed !== undefined) out.seed = Number(seed);
  else if (env.seed !== undefined && env.seed !== null && typeof env.seed !== 'number') delete out.seed;
  return out;
}

// Its rules for ts and step are applyMetricsLine's too: change them together.
function applyMetrics(file: FileState, rec: Record<string, unknown>, time: number, points: PendingPoints, complain: Complain): void {
  const values = rec.values;
  if (!isObject(values)) {
    complain('"values" should be an object of numbers');
    return;
  }
  let step: number;
  const s = rec.step;
  if (s === undefined || s === null) {
    step = file.prevStep + 1;
  } else if (typeof s === 'number' && Number.isInteger(s) && s >= 0) {
    step = s;
  } else {
    complain('"step" should be an integer ≥ 0');
    return;
  }
  file.prevStep = step;
  for (const key in values) {
    const v = values[key];
    if (typeof v === 'number') {
      points.add(key, step, time, v);
    } else {
      // Writers are not to tag metrics as `$int`, but one that does is still plotted (at double precision).
      const n = numberFrom(v);
      if (n !== undefined) points.add(key, step, time, n);
      else if (v !== null) complain(`metric "${key}" should be a number`);
    }
  }
}

function applySystem(file: FileState, rec: Record<string, unknown>, time: number, points: PendingPoints, complain: Complain): void {
  const values = rec.values;
  if (!isObject(values)) {
    complain('"values" should be an object of numbers');
    return;
  }
  const step = file.systemCount++;
  for (const key in values) {
    const v = numberFrom(values[key]);
    if (v !== undefined) points.add(`system/${key}`, step, time, v);
    else if (values[key] !== null) complain(`system metric "${key}" should be a number`);
  }
}

function applyArtifact(state: RunState, rec: Record<string, unknown>, time: number, complain: Complain): void {
  if (typeof rec.path !== 'string' || rec.path === '') {
    complain('"path" should be a non-empty string');
    return;
  }
  const path = rec.path.replace(/\\/g, '/');
  const kind = optionalString(rec, 'kind', complain);
  const sha256 = optionalString(rec, 'sha256', complain);
  let size: number | undefined;
  if (rec.size !== undefined && rec.size !== null) {
    if (typeof rec.size === 'number' && rec.size >= 0) size = rec.size;
    else complain('"size" should be a number of bytes');
  }
  // A re-logged path replaces the earlier entry: the file on disk is the newer one.
  const at = state.artifacts.findIndex((a) => a.path === path);
  const info = { path, time, ...(kind !== undefined ? { kind } : {}), ...(size !== undefined ? { size } : {}), ...(sha256 !== undefined ? { sha256 } : {}) };
  if (at >= 0) state.artifacts[at] = info;
  else state.artifacts.push(info);
}

function applyStatus(state: RunState, rec: Record<string, unknown>, time: number, complain: Complain): void {
  if (typeof rec.status !== 'string' || !STATUSES.has(rec.status)) {
    complain('"status" should be one of running, finished, failed, killed');
    return;
  }
  state.status = rec.status as LoggedStatus;
  delete state.exitCode;
  delete state.error;
  if (state.status === 'running') delete state.endTime;
  else if (Number.isFinite(time)) state.endTime = time;
  if (rec.exit_code !== undefined && rec.exit_code !== null) {
    if (typeof rec.exit_code === 'number' && Number.isInteger(rec.exit_code)) state.exitCode = rec.exit_code;
    else complain('"exit_code" should be an integer');
  }
  if (rec.error !== undefined && rec.error !== null) {
    if (isObject(rec.error)) {
      const e: ErrorSummary = {};
      if (typeof rec.error.type === 'string') e.type = rec.error.type;
      if (typeof rec.error.message === 'string') e.message = rec.error.message;
      if (typeof rec.error.traceback === 'string') e.traceback = rec.error.traceback;
      state.error = e;
    } else if (typeof rec.error === 'string') {
      state.error = { message: rec.error };
    } else {
      complain('"error" should be an object');
    }
  }
}

/** A media record's step: as for metrics, but an absent one is the run's current step (the last metrics step). */
function applyMedia(state: RunState, file: FileState, rec: Record<string, unknown>, media: MediaRow[] | undefined, complain: Complain): void {
  const s = rec.step;
  let step: number;
  if (s === undefined || s === null) step = Math.max(file.prevStep, 0);
  else if (typeof s === 'number' && Number.isInteger(s) && s >= 0) step = s;
  else {
    complain('"step" should be an integer ≥ 0');
    return;
  }
  const row = parseMedia(rec, step, complain);
  if (row === undefined) return;
  noteMedia(state, row);
  media?.push(row);
}

/** Applies one record; complaints name what was skipped. Media rows go to `media` (the part's, see runParser). */
export function applyRecord(state: RunState, file: FileState, rec: Record<string, unknown>, points: PendingPoints, complain: Complain, media?: MediaRow[]): void {
  const kind = rec.t;
  if (typeof kind !== 'string') {
    complain('"t" (record kind) should be a string');
    return;
  }
  let time: number;
  const ts = rec.ts;
  if (typeof ts === 'number' && Number.isFinite(ts)) {
    time = ts * 1000;
    file.lastTs = time;
  } else if (ts === undefined) {
    time = file.lastTs;
  } else {
    complain('"ts" should be a number of seconds');
    return;
  }
  switch (kind) {
    case 'metrics':
      applyMetrics(file, rec, time, points, complain);
      break;
    case 'system':
      applySystem(file, rec, time, points, complain);
      break;
    case 'heartbeat':
      if (Number.isFinite(time)) state.lastHeartbeat = time;
      if (typeof rec.step === 'number' && Number.isSafeInteger(rec.step) && rec.step >= 0) state.beatStep = rec.step;
      break;
    case 'params': {
      if (!isObject(rec.params)) {
        complain('"params" should be an object');
        return;
      }
      flattenInto(state.params, rec.params, '', 0, exactSink(state, 'params'));
      if (rec.source === 'override') flattenInto(state.overrides, rec.params, '', 0, exactSink(state, 'overrides'));
      break;
    }
    case 'summary':
      if (!isObject(rec.values)) {
        complain('"values" should be an object');
        return;
      }
      flattenInto(state.summary, rec.values, '', 0, exactSink(state, 'summary'));
      break;
    case 'artifact':
      applyArtifact(state, rec, time, complain);
      break;
    case 'status':
      applyStatus(state, rec, time, complain);
      break;
    case 'start':
      applyStart(state, rec, time, complain);
      break;
    case 'media':
      applyMedia(state, file, rec, media, complain);
      break;
    default:
      // Unknown kinds come from newer writers: skipped by the format's rules, not an error.
      return;
  }
  noteTime(state, time);
}

function noteTime(state: RunState, time: number): void {
  if (Number.isFinite(time)) {
    if (state.firstTime === undefined) state.firstTime = time;
    if (state.lastUpdate === undefined || time > state.lastUpdate) state.lastUpdate = time;
  }
}

/** Applies a metrics line read by MetricsLineReader: what applyRecord does with the same record once parsed. */
export function applyMetricsLine(state: RunState, file: FileState, line: MetricsLine, points: PendingPoints): void {
  const time = line.ts * 1000;
  file.lastTs = time;
  const step = line.step >= 0 ? line.step : file.prevStep + 1;
  file.prevStep = step;
  points.addLine(line.keys, line.values, line.count, step, time);
  noteTime(state, time);
}
