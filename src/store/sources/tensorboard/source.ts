// TensorBoard runs: TensorBoard's own rule, any folder holding an `events.out.tfevents.*` file is a run (so
// `logs/train` and `logs/eval` are two, and a run folder may hold nested runs). Its event files are read in the
// order of the time in their names (TensorBoard merges a folder's files the same way), each tailed from its own
// byte offset. Scalars become metrics (step, wall time), the hparams plugin's session info params, group and
// start time, its end info the status; text summaries are kept as the run's notes.
import { basename, join, relative, sep } from 'node:path';
import { tailBinary } from '../binary/tail';
import { foreignId } from '../foreign/ids';
import type { PartBuilder } from '../foreign/partBuilder';
import type { ForeignRead } from '../foreign/reader';
import { foreignSource } from '../foreign/source';
import type { RunSource } from '../runSource';
import { EventDecoder, type EventSink } from './event';
import type { HParamsData } from './hparams';
import { scanEvents, type EventProblems } from './scanEvents';

const EVENT_FILE = /^events\.out\.tfevents\.(\d+)/;
const MAX_NOTES = 64 << 10;

export function isEventFile(name: string): boolean {
  return EVENT_FILE.test(name);
}

/** Event files oldest first: by the creation time in the name, then by name. */
export function byFileTime(a: string, b: string): number {
  const ta = Number(EVENT_FILE.exec(a)?.[1] ?? 0);
  const tb = Number(EVENT_FILE.exec(b)?.[1] ?? 0);
  return ta - tb || (a < b ? -1 : a > b ? 1 : 0);
}

function runName(root: string, dir: string): string {
  const rel = relative(root, dir).split(sep).join('/');
  return rel === '' ? basename(dir) : rel;
}

class Sink implements EventSink, EventProblems {
  rel = '';

  constructor(private readonly b: PartBuilder) {}

  /** Wall times seen (seconds), applied to the run once per file rather than per event. */
  first = Infinity;
  last = -Infinity;

  event(wallTime: number): void {
    if (wallTime < this.first && wallTime > 0) this.first = wallTime;
    if (wallTime > this.last) this.last = wallTime;
  }

  /** The run's start (its earliest event) and last sign of life. */
  applyTimes(): void {
    const state = this.b.state;
    if (Number.isFinite(this.first) && (state.startTime === undefined || this.first * 1000 < state.startTime)) state.startTime = this.first * 1000;
    if (Number.isFinite(this.last)) this.b.touched(this.last * 1000);
  }

  scalar(tag: string, step: number, wallTime: number, value: number): void {
    this.b.point(tag, step, wallTime * 1000, value);
  }

  text(tag: string, step: number, _wallTime: number, text: string): void {
    const state = this.b.state;
    const line = `${tag} (step ${step}): ${text}`;
    const notes = state.notes === undefined ? line : `${state.notes}\n${line}`;
    if (notes.length <= MAX_NOTES) state.notes = notes;
  }

  hparams(data: HParamsData): void {
    const state = this.b.state;
    if (data.kind === 'start') {
      this.b.params(data.hparams);
      if (data.group !== undefined) state.group = data.group;
      if (data.startTime !== undefined) state.startTime = data.startTime * 1000;
      return;
    }
    if (data.status === 'success') this.b.status('finished');
    else if (data.status === 'failure') this.b.status('failed');
    else if (data.status === 'running') this.b.status('running');
    if (data.status !== 'running' && data.endTime !== undefined) state.endTime = data.endTime * 1000;
  }

  fileVersion(): void {}

  problem(at: number, reason: string): void {
    this.b.problem(this.rel, undefined, reason, at);
  }
}

async function readTensorboard(r: ForeignRead): Promise<void> {
  const { builder, run } = r;
  const state = builder.state;
  if (r.fromStart) {
    state.name = runName(run.root, run.dir);
    // TensorBoard has no projects; the top folder of the run's path is what one would pass as --logdir.
    const top = state.name.split('/');
    state.project = top.length > 1 ? top[0] : 'tensorboard';
  }
  const files = [...r.files.keys()].filter(isEventFile).sort(byFileTime);
  const sink = new Sink(builder);
  for (const rel of files) {
    const f = r.files.get(rel);
    if (f === undefined) continue;
    if (!r.changed(rel)) continue;
    const cursor = r.cursor(rel);
    // Tags keep the plugin their first value named (writers send metadata once per tag and file).
    const decoder = new EventDecoder(cursor.carry?.[0] === undefined ? {} : (JSON.parse(cursor.carry[0]) as Record<string, string>));
    sink.rel = rel;
    let finished = false;
    try {
      finished = await tailBinary(join(run.dir, rel), cursor, f.size, (bytes, base, fileEnd) => scanEvents(bytes, base, fileEnd, decoder, sink), () => builder.flush());
    } catch (err) {
      builder.problem(rel, undefined, `cannot read (${err instanceof Error ? err.message : String(err)})`);
    }
    sink.applyTimes();
    if (decoder.plugins.size > 0) cursor.carry = [JSON.stringify(Object.fromEntries(decoder.plugins))];
    // The file's mtime shows the writer alive even when its events carry older wall times (a clock skew).
    builder.touched(f.mtimeMs);
    if (!finished) return;
    cursor.size = f.size;
    cursor.mtimeMs = f.mtimeMs;
  }
}

export const tensorboardSource: RunSource = foreignSource({
  kind: 'tensorboard',
  live: true,
  // TensorBoard records no end (unless the hparams plugin's end info says how it ended): a run that went quiet
  // has finished, not crashed.
  quietStatus: 'finished',
  claim(folder) {
    const logs = [...folder.files].filter(isEventFile).sort(byFileTime);
    if (logs.length === 0) return undefined;
    const name = folder.rel === '' ? basename(folder.dir) : folder.rel;
    // Not `stop`: a run folder may hold more runs (PyTorch's add_hparams writes one in a subfolder).
    return { runs: [{ id: foreignId('tb', folder.dir, ...name.split('/').slice(-2)), dir: folder.dir, log: join(folder.dir, logs[0]) }] };
  },
  // Only the folder's own event files: nested folders are runs of their own.
  wanted: (rel, isFolder) => !isFolder && !rel.includes('/') && isEventFile(rel),
  read: readTensorboard,
});
