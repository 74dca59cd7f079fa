// A sweep's state beside the runs: `<root>/sweeps/<id>/sweep.json` (what the sweep is and where it stands, rewritten
// atomically) and `trials.jsonl` (append-only: each trial launched, skipped, ended, and each rung it reached). A
// killed controller loses at most a torn last line; the next one replays the file and goes on from there.
import { appendFile, mkdir, readFile, readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Params } from './space';

export type SweepStatus = 'running' | 'finished' | 'stopped' | 'failed';
export type Outcome = 'finished' | 'failed' | 'pruned' | 'skipped' | 'stopped' | 'lost';

export interface SweepRecord {
  id: string;
  /** The sweep file, absolute. */
  file: string;
  name?: string;
  method: string;
  metric?: { name: string; goal: string };
  runCap?: number;
  created: number;
  updated: number;
  status: SweepStatus;
  reason?: string;
  /** The controller that last ran it: a second controller refuses to run beside a live one. */
  controller?: { pid: number; host: string };
  launcher: string;
  /** Trials the sweep will run at most: run_cap, or the grid's size; absent when neither bounds it. */
  total?: number;
  /** Set while the controller launches nothing new (the pause file exists); running trials go on. */
  paused?: boolean;
}

export type TrialEvent =
  | { t: 'trial'; n: number; run: string; params: Params; ts: number; job?: string }
  | { t: 'job'; n: number; job: string; ts: number }
  | { t: 'skip'; n: number; run: string; params: Params; value?: number; ts: number }
  | { t: 'end'; n: number; outcome: Outcome; value?: number; reason?: string; ts: number }
  | { t: 'rung'; n: number; rung: number; value: number; ts: number };

export interface Trial {
  n: number;
  run: string;
  params: Params;
  job?: string;
  outcome?: Outcome;
  value?: number;
  reason?: string;
  started: number;
  ended?: number;
}

export const SWEEPS_DIR = 'sweeps';
export const SWEEP_FILE = 'sweep.json';
export const TRIALS_FILE = 'trials.jsonl';
export const STOP_FILE = 'stop';
/** While this file exists the controller launches no new trial (pause); removing it resumes. */
export const PAUSE_FILE = 'pause';

export function sweepDir(root: string, id: string): string {
  return join(root, SWEEPS_DIR, id);
}

export async function readRecord(dir: string): Promise<SweepRecord | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, SWEEP_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    return JSON.parse(text) as SweepRecord;
  } catch (err) {
    throw new Error(`${join(dir, SWEEP_FILE)}: not valid JSON (${(err as Error).message})`);
  }
}

export async function writeRecord(dir: string, record: SweepRecord): Promise<void> {
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${SWEEP_FILE}.${process.pid}.tmp`);
  await writeFile(tmp, JSON.stringify(record, null, 2) + '\n');
  await rename(tmp, join(dir, SWEEP_FILE));
}

export async function appendEvent(dir: string, event: TrialEvent): Promise<void> {
  await appendFile(join(dir, TRIALS_FILE), JSON.stringify(event) + '\n');
}

/** Replays trials.jsonl; a torn or foreign line is skipped and named in `problems` (file and line). */
export async function readTrials(dir: string): Promise<{ trials: Map<number, Trial>; rungs: Array<{ trial: number; rung: number; value: number }>; problems: string[] }> {
  const trials = new Map<number, Trial>();
  const rungs: Array<{ trial: number; rung: number; value: number }> = [];
  const problems: string[] = [];
  let text = '';
  try {
    text = await readFile(join(dir, TRIALS_FILE), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return;
    let e: TrialEvent;
    try {
      e = JSON.parse(line) as TrialEvent;
    } catch {
      problems.push(`${join(dir, TRIALS_FILE)}:${i + 1}: not JSON (a torn write?); skipped`);
      return;
    }
    if (typeof e !== 'object' || e === null || typeof e.n !== 'number') {
      problems.push(`${join(dir, TRIALS_FILE)}:${i + 1}: not a trial event; skipped`);
      return;
    }
    if (e.t === 'trial') trials.set(e.n, { n: e.n, run: e.run, params: e.params, job: e.job, started: e.ts });
    else if (e.t === 'skip') trials.set(e.n, { n: e.n, run: e.run, params: e.params, outcome: 'skipped', value: e.value, started: e.ts, ended: e.ts });
    else if (e.t === 'job') {
      const t = trials.get(e.n);
      if (t) t.job = e.job;
    } else if (e.t === 'end') {
      const t = trials.get(e.n);
      if (t) Object.assign(t, { outcome: e.outcome, value: e.value, reason: e.reason, ended: e.ts });
    } else if (e.t === 'rung') rungs.push({ trial: e.n, rung: e.rung, value: e.value });
  });
  return { trials, rungs, problems };
}

export async function listSweeps(root: string): Promise<SweepRecord[]> {
  let names: string[];
  try {
    names = await readdir(join(root, SWEEPS_DIR));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: SweepRecord[] = [];
  for (const name of names.sort()) {
    const r = await readRecord(join(root, SWEEPS_DIR, name)).catch(() => undefined);
    if (r) out.push(r);
  }
  return out;
}
