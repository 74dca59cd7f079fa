// W&B run folders (`wandb/run-<date>-<id>/`, `wandb/offline-run-<date>-<id>/`): the `run-<id>.wandb` record log,
// tailed from its byte offset (run, config, history rows, summary, system stats, exit code), and the files W&B
// writes beside it (files/config.yaml, files/wandb-summary.json, files/wandb-metadata.json: the command, git,
// host, Python). A run without an exit record is running (and crashed once quiet, as for Trackside's own).
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { flattenInto } from '../../ingest/records';
import { tailBinary } from '../binary/tail';
import { WireError } from '../binary/wire';
import { foreignId } from '../foreign/ids';
import type { PartBuilder } from '../foreign/partBuilder';
import type { ForeignRead } from '../foreign/reader';
import { foreignSource } from '../foreign/source';
import { parseYaml } from '../foreign/yaml';
import type { RunSource } from '../runSource';
import { FILE_HEADER_BYTES, headerProblem, scanLog } from './datastore';
import { decodeRecord, exitStatus, type Item, type RunInfo, type WandbRecord } from './record';
import { configValues, historyRow, itemsObject, metadataValues, parsePythonJson, summaryValues } from './values';

const RUN_FOLDER = /^(?:offline-)?run-\d{8}_\d{6}-([A-Za-z0-9_-]+)$/;
const CONFIG = 'files/config.yaml';
const SUMMARY = 'files/wandb-summary.json';
const METADATA = 'files/wandb-metadata.json';

function logName(folder: string): string | undefined {
  const id = RUN_FOLDER.exec(folder)?.[1];
  return id === undefined ? undefined : `run-${id}.wandb`;
}

/** Applies decoded records to the run; `system` counts stats records (their step axis), carried between passes. */
class Apply {
  system = 0;
  history = 0;

  constructor(
    private readonly b: PartBuilder,
    private readonly rel: string,
  ) {}

  record(rec: WandbRecord): void {
    const state = this.b.state;
    switch (rec.kind) {
      case 'run':
        this.run(rec.run);
        break;
      case 'config':
        this.params(rec.update);
        break;
      case 'summary':
        this.summary(rec.update);
        break;
      case 'history': {
        const row = historyRow(rec.items, rec.step);
        const step = row.step ?? this.history;
        this.history = step + 1;
        const time = row.time === undefined ? NaN : row.time * 1000;
        for (const [key, value] of row.values) this.b.point(key, step, time, value);
        for (const key of row.bad) this.b.problem(this.rel, undefined, `history value "${key}" is not JSON; skipped`);
        break;
      }
      case 'stats': {
        const step = this.system++;
        const time = rec.time === undefined ? NaN : rec.time * 1000;
        for (const item of rec.items) {
          const v = parsePythonJson(item.json);
          if (typeof v === 'number') this.b.point(`system/${item.path.join('.')}`, step, time, v);
        }
        break;
      }
      case 'exit':
        state.exitCode = rec.exitCode;
        this.b.status(exitStatus(rec.exitCode));
        if (state.startTime !== undefined && rec.runtime !== undefined && rec.runtime > 0) state.endTime = state.startTime + rec.runtime * 1000;
        else if (state.lastUpdate !== undefined) state.endTime = state.lastUpdate;
        break;
      case 'preempting':
        break;
    }
  }

  private run(run: RunInfo): void {
    const state = this.b.state;
    if (run.displayName !== undefined) state.name = run.displayName;
    else if (run.runId !== undefined) state.name ??= run.runId;
    if (run.runId !== undefined) state.loggedId = run.runId;
    if (run.project !== undefined) state.project = run.project;
    if (run.group !== undefined) state.group = run.group;
    if (run.notes !== undefined) state.notes = run.notes;
    if (run.tags.length > 0) state.tags = run.tags;
    if (run.host !== undefined) state.env.hostname = run.host;
    if (run.startTime !== undefined && run.startTime > 0) state.startTime = run.startTime * 1000;
    if (run.git !== undefined) state.env.git = { ...state.env.git, ...run.git };
    this.params(run.config);
    this.summary(run.summary);
  }

  private params(items: readonly Item[]): void {
    const bad: string[] = [];
    this.b.params(itemsObject(items, bad));
    for (const key of bad) this.b.problem(this.rel, undefined, `config value "${key}" is not JSON; skipped`);
  }

  private summary(items: readonly Item[]): void {
    const bad: string[] = [];
    flattenInto(this.b.state.summary, summaryValues(itemsObject(items, bad)));
    for (const key of bad) this.b.problem(this.rel, undefined, `summary value "${key}" is not JSON; skipped`);
  }
}

async function readLog(r: ForeignRead, rel: string): Promise<boolean> {
  const { builder, run } = r;
  const f = r.files.get(rel);
  if (f === undefined || !r.changed(rel)) return true;
  // The log's mtime shows the run alive between history rows (W&B writes stats and other records meanwhile).
  builder.touched(f.mtimeMs);
  const cursor = r.cursor(rel);
  const path = join(run.dir, rel);
  const apply = new Apply(builder, rel);
  [apply.system, apply.history] = (cursor.carry ?? []).map(Number).concat([0, 0]);
  let finished = false;
  try {
    if (cursor.offset < FILE_HEADER_BYTES) {
      if (f.size < FILE_HEADER_BYTES) return true;
      const problem = headerProblem(await readHead(path));
      if (problem !== undefined) {
        builder.problem(rel, undefined, problem, 0);
        cursor.size = f.size;
        cursor.mtimeMs = f.mtimeMs;
        return true;
      }
      cursor.offset = FILE_HEADER_BYTES;
    }
    const sink = {
      record(bytes: Uint8Array, start: number, end: number, at: number) {
        let rec: WandbRecord | undefined;
        try {
          rec = decodeRecord(bytes, start, end);
        } catch (err) {
          if (!(err instanceof WireError)) throw err;
          builder.problem(rel, undefined, `not a valid Record: ${err.message}`, at);
          return;
        }
        if (rec !== undefined) apply.record(rec);
      },
      problem: (at: number, reason: string) => builder.problem(rel, undefined, reason, at),
    };
    finished = await tailBinary(path, cursor, f.size, (bytes, base, fileEnd) => scanLog(bytes, base, fileEnd, sink), () => builder.flush());
  } catch (err) {
    builder.problem(rel, undefined, `cannot read (${err instanceof Error ? err.message : String(err)})`);
  }
  cursor.carry = [String(apply.system), String(apply.history)];
  if (!finished) return false;
  cursor.size = f.size;
  cursor.mtimeMs = f.mtimeMs;
  return true;
}

async function readHead(path: string): Promise<Uint8Array> {
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.alloc(FILE_HEADER_BYTES);
    const { bytesRead } = await handle.read(buf, 0, FILE_HEADER_BYTES, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

async function readFiles(r: ForeignRead): Promise<void> {
  const { builder } = r;
  const state = builder.state;
  if (r.changed(METADATA)) {
    const text = await r.whole(METADATA);
    const doc = text === undefined ? undefined : parsePythonJson(text);
    if (text !== undefined && doc === undefined) builder.problem(METADATA, undefined, 'not valid JSON');
    else if (doc !== undefined) {
      const m = metadataValues(doc);
      if (m.argv.length > 0) state.argv = m.argv;
      if (m.cwd !== undefined) state.cwd = m.cwd;
      if (m.executable !== undefined) state.executable = m.executable;
      state.startTime ??= m.startTime === undefined ? undefined : m.startTime * 1000;
      if (state.startTime === undefined) delete state.startTime;
      state.env = { ...m.env, ...state.env, git: { ...m.env.git, ...state.env.git } };
      if (Object.keys(state.env.git ?? {}).length === 0) delete state.env.git;
    }
  }
  if (r.changed(CONFIG)) {
    const text = await r.whole(CONFIG);
    if (text !== undefined) {
      const got = parseYaml(text);
      if ('problem' in got) builder.problem(CONFIG, got.line, got.problem);
      else builder.params(configValues(got.value));
    }
  }
  if (r.changed(SUMMARY)) {
    const text = await r.whole(SUMMARY);
    const doc = text === undefined ? undefined : parsePythonJson(text);
    if (text !== undefined && doc === undefined) builder.problem(SUMMARY, undefined, 'not valid JSON');
    else if (doc !== undefined) flattenInto(state.summary, summaryValues(doc));
  }
}

async function readWandb(r: ForeignRead): Promise<void> {
  const log = [...r.files.keys()].find((rel) => /^run-[^/]*\.wandb$/.test(rel));
  if (r.fromStart) r.builder.state.name = RUN_FOLDER.exec(r.run.dir.split(/[\\/]/).pop() ?? '')?.[1];
  if (log !== undefined && !(await readLog(r, log))) return;
  await readFiles(r);
}

export const wandbSource: RunSource = foreignSource({
  kind: 'wandb',
  live: true,
  claim(folder) {
    const name = folder.dir.split(/[\\/]/).pop() ?? '';
    const log = logName(name);
    if (log === undefined || (!folder.files.has(log) && !folder.dirs.has('files'))) return undefined;
    const id = RUN_FOLDER.exec(name)?.[1] ?? name;
    // Without its record log (deleted after a sync), the files W&B wrote beside it still make a run.
    return { runs: [{ id: foreignId('wandb', folder.dir, id), dir: folder.dir, log: join(folder.dir, folder.files.has(log) ? log : METADATA) }], stop: true };
  },
  wanted: (rel, isFolder) => (isFolder ? rel === 'files' : /^run-[^/]*\.wandb$/.test(rel) || rel === CONFIG || rel === SUMMARY || rel === METADATA),
  read: readWandb,
});
