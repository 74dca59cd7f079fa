// W&B's `wandb_internal.Record` (wandb/proto/wandb_internal.proto), the fields a run's history needs:
// history = 2 (HistoryRecord item = 1, step = 2 → num = 1), summary = 3 and config = 5 (update = 1, remove = 2
// of items key = 1, nested_key = 2, value_json = 16), stats = 7 (timestamp = 2, item = 3), run = 17 (RunRecord),
// exit = 18 (RunExitRecord exit_code = 1, runtime = 2), preempting = 23. Console output, files, telemetry,
// artifacts and the rest are skipped.
import { LEN, VARINT, WireReader } from '../binary/wire';

export interface Item {
  /** The key path: `key`, or `nested_key` when the writer split it. */
  path: string[];
  /** The value as JSON text (Python's json: NaN and Infinity may appear bare). */
  json: string;
}

export interface RunInfo {
  runId?: string;
  entity?: string;
  project?: string;
  group?: string;
  jobType?: string;
  displayName?: string;
  notes?: string;
  tags: string[];
  sweepId?: string;
  host?: string;
  startingStep?: number;
  /** Unix seconds. */
  startTime?: number;
  resumed?: boolean;
  git?: { remote?: string; commit?: string };
  config: Item[];
  summary: Item[];
}

export type WandbRecord =
  | { kind: 'history'; items: Item[]; step?: number }
  | { kind: 'summary'; update: Item[]; remove: Item[] }
  | { kind: 'config'; update: Item[]; remove: Item[] }
  | { kind: 'stats'; time?: number; items: Item[] }
  | { kind: 'run'; run: RunInfo }
  | { kind: 'exit'; exitCode: number; runtime?: number }
  | { kind: 'preempting' };

const r = new WireReader();

/** Decodes one Record; undefined for the kinds not read. Throws WireError when it is malformed. */
export function decodeRecord(bytes: Uint8Array, start: number, end: number): WandbRecord | undefined {
  r.reset(bytes, start, end);
  let out: WandbRecord | undefined;
  for (let key = r.key(); key !== 0; key = r.key()) {
    if ((key & 7) !== LEN) {
      r.skip(key);
      continue;
    }
    const field = key >>> 3;
    if (field !== 2 && field !== 3 && field !== 5 && field !== 7 && field !== 17 && field !== 18 && field !== 23) {
      r.skip(key);
      continue;
    }
    const outer = r.enter();
    if (field === 2) out = history();
    else if (field === 3 || field === 5) {
      const { update, remove } = updates();
      out = field === 3 ? { kind: 'summary', update, remove } : { kind: 'config', update, remove };
    } else if (field === 7) out = stats();
    else if (field === 17) out = { kind: 'run', run: run() };
    else if (field === 18) out = exit();
    else out = { kind: 'preempting' };
    r.leave(outer);
  }
  return out;
}

/** A HistoryItem, SummaryItem, ConfigItem or StatsItem (the reader is inside it). */
function item(): Item {
  let key = '';
  const nested: string[] = [];
  let json = '';
  for (let k = r.key(); k !== 0; k = r.key()) {
    if (k === ((1 << 3) | LEN)) key = r.string();
    else if (k === ((2 << 3) | LEN)) nested.push(r.string());
    else if (k === ((16 << 3) | LEN)) json = r.string();
    else r.skip(k);
  }
  return { path: nested.length > 0 ? nested : [key], json };
}

function items(into: Item[]): void {
  const outer = r.enter();
  into.push(item());
  r.leave(outer);
}

function history(): WandbRecord {
  const out: { kind: 'history'; items: Item[]; step?: number } = { kind: 'history', items: [] };
  for (let k = r.key(); k !== 0; k = r.key()) {
    if (k === ((1 << 3) | LEN)) items(out.items);
    else if (k === ((2 << 3) | LEN)) {
      const outer = r.enter();
      for (let s = r.key(); s !== 0; s = r.key()) {
        if (s === ((1 << 3) | VARINT)) out.step = r.int64();
        else r.skip(s);
      }
      r.leave(outer);
    } else r.skip(k);
  }
  return out;
}

function updates(): { update: Item[]; remove: Item[] } {
  const update: Item[] = [];
  const remove: Item[] = [];
  for (let k = r.key(); k !== 0; k = r.key()) {
    if (k === ((1 << 3) | LEN)) items(update);
    else if (k === ((2 << 3) | LEN)) items(remove);
    else r.skip(k);
  }
  return { update, remove };
}

/** google.protobuf.Timestamp (seconds = 1, nanos = 2) as Unix seconds (the reader is inside it). */
function timestamp(): number {
  let seconds = 0;
  let nanos = 0;
  for (let k = r.key(); k !== 0; k = r.key()) {
    if (k === ((1 << 3) | VARINT)) seconds = r.int64();
    else if (k === ((2 << 3) | VARINT)) nanos = r.int64();
    else r.skip(k);
  }
  return seconds + nanos / 1e9;
}

function stats(): WandbRecord {
  const out: { kind: 'stats'; time?: number; items: Item[] } = { kind: 'stats', items: [] };
  for (let k = r.key(); k !== 0; k = r.key()) {
    if (k === ((2 << 3) | LEN)) {
      const outer = r.enter();
      out.time = timestamp();
      r.leave(outer);
    } else if (k === ((3 << 3) | LEN)) items(out.items);
    else r.skip(k);
  }
  return out;
}

function run(): RunInfo {
  const out: RunInfo = { tags: [], config: [], summary: [] };
  const text = (): string | undefined => {
    const s = r.string();
    return s === '' ? undefined : s;
  };
  for (let k = r.key(); k !== 0; k = r.key()) {
    switch (k) {
      case (1 << 3) | LEN:
        out.runId = text();
        break;
      case (2 << 3) | LEN:
        out.entity = text();
        break;
      case (3 << 3) | LEN:
        out.project = text();
        break;
      case (4 << 3) | LEN:
      case (5 << 3) | LEN: {
        const outer = r.enter();
        const { update } = updates();
        r.leave(outer);
        if (k === ((4 << 3) | LEN)) out.config.push(...update);
        else out.summary.push(...update);
        break;
      }
      case (6 << 3) | LEN:
        out.group = text();
        break;
      case (7 << 3) | LEN:
        out.jobType = text();
        break;
      case (8 << 3) | LEN:
        out.displayName = text();
        break;
      case (9 << 3) | LEN:
        out.notes = text();
        break;
      case (10 << 3) | LEN:
        out.tags.push(r.string());
        break;
      case (12 << 3) | LEN:
        out.sweepId = text();
        break;
      case (13 << 3) | LEN:
        out.host = text();
        break;
      case (14 << 3) | VARINT:
        out.startingStep = r.int64();
        break;
      case (17 << 3) | LEN: {
        const outer = r.enter();
        out.startTime = timestamp();
        r.leave(outer);
        break;
      }
      case (18 << 3) | VARINT:
        out.resumed = r.bool();
        break;
      case (21 << 3) | LEN: {
        const outer = r.enter();
        const git: { remote?: string; commit?: string } = {};
        for (let g = r.key(); g !== 0; g = r.key()) {
          if (g === ((1 << 3) | LEN)) git.remote = text();
          else if (g === ((2 << 3) | LEN)) git.commit = text();
          else r.skip(g);
        }
        r.leave(outer);
        if (git.remote !== undefined || git.commit !== undefined) out.git = git;
        break;
      }
      default:
        r.skip(k);
    }
  }
  return out;
}

function exit(): WandbRecord {
  const out: { kind: 'exit'; exitCode: number; runtime?: number } = { kind: 'exit', exitCode: 0 };
  for (let k = r.key(); k !== 0; k = r.key()) {
    if (k === ((1 << 3) | VARINT)) out.exitCode = r.int64();
    else if (k === ((2 << 3) | VARINT)) out.runtime = r.int64();
    else r.skip(k);
  }
  return out;
}

/** How a run ended, from its exit code: 255 is W&B's code for Ctrl-C, 128 + n a signal's, negative a signal. */
export function exitStatus(code: number): 'finished' | 'failed' | 'killed' {
  if (code === 0) return 'finished';
  if (code < 0 || code === 255 || code === 130 || code === 137 || code === 143) return 'killed';
  return 'failed';
}

