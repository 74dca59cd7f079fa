// What the indexer knows about one run, persisted as JSON in the `runs` table and kept in memory. Metric
// summaries live beside it (the `series` table), file offsets in FileState.
import type { MediaKeyState } from './mediaRecord';
import type { ArtifactInfo, ErrorSummary, ExactInts, ParamValue, RunEnvironment } from '../types';

export type LoggedStatus = 'running' | 'finished' | 'failed' | 'killed';

/** Edits from `<run>/user.json`, written by the explorer. */
export interface UserEdits {
  name?: string;
  tags?: string[];
  notes?: string;
  starred?: boolean;
  archived?: boolean;
}

export interface RunState {
  id: string;
  root: string;
  dir: string;
  /** The kind of source the run came from (see sources/sources.ts); none for Trackside's own logs. */
  source?: string;
  /** Where the user's edits (user.json) live when not in `dir`: a read-only source's side folder (sources.ts). */
  editsDir?: string;
  hasStart: boolean;
  formatVersion?: number;
  loggedId?: string;
  name?: string;
  project?: string;
  group?: string;
  parent?: string;
  tags: string[];
  notes?: string;
  status?: LoggedStatus;
  startTime?: number;
  firstTime?: number;
  endTime?: number;
  lastHeartbeat?: number;
  lastUpdate?: number;
  exitCode?: number;
  error?: ErrorSummary;
  params: Record<string, ParamValue>;
  overrides: Record<string, ParamValue>;
  summary: Record<string, ParamValue>;
  /** Digits of `{"$int": …}` values that their doubles in params, overrides, summary and env.seed round. */
  exactInts?: ExactInts;
  argv: string[];
  cwd?: string;
  executable?: string;
  env: RunEnvironment;
  artifacts: ArtifactInfo[];
  /** Media keys logged so far (their rows are in the index's `media` table). */
  media?: Record<string, MediaKeyState>;
  user?: UserEdits;
  /** Why user.json could not be used, if it could not. */
  userProblem?: string;
  /** Bad lines in this run's log: how many, and the first few. */
  problems: { count: number; first: Array<{ line: number; reason: string }> };
  /** The process writing this log, from `start.proc` (one process) or `start.rank` (a rank of a job). */
  proc?: ProcInfo;
  /** From `start.rank`: this log is one rank of a distributed job (docs/log-format.md, "Distributed runs"). */
  rank?: RankInfo;
  /** Every world size this log's `start` records named, when more than one (an elastic restart). */
  worldSizes?: number[];
  /** The step a heartbeat last reported (ranks that log no metrics say how far they are this way). */
  beatStep?: number;
  /** The other ranks' segments (`events.rank-<N>.jsonl`), by file name: each one's own state, read alone. */
  segments?: Record<string, RunState>;
}

/** Who writes a log: enough for a reader on the same machine to tell whether that process is still alive. */
export interface ProcInfo {
  host: string;
  pid: number | null;
  /** Field 22 of /proc/<pid>/stat (clock ticks after boot): a pid reused by another process has another. */
  pidStart: number | null;
  bootId: string | null;
  /** The writer's pid namespace (`readlink /proc/self/ns/pid`): its pids mean nothing in another one. */
  pidNs?: string;
}

export interface RankInfo extends ProcInfo {
  rank: number;
  worldSize: number;
  localRank: number | null;
  launcher: string;
  /** The launcher's job id (or what stood in for it): two jobs claiming one run id differ here. */
  job?: string;
  restart?: number;
}

/** Per-file tail position; committed together with the data read up to it. */
export interface FileState {
  path: string;
  /** Bytes consumed: always just after a complete line. */
  offset: number;
  /** Lines consumed (for 1-based line numbers in diagnostics). */
  lines: number;
  /** stat() at the last pass: unchanged size and mtime means nothing to read. */
  size: number;
  mtimeMs: number;
  /** Hex of the first bytes, to notice a replaced file. */
  fingerprint: string;
  /** Step of the previous `metrics` record (-1 before the first), for records without `step`. */
  prevStep: number;
  /** Count of `system` records so far: their step axis. */
  systemCount: number;
  /** Last record time seen (ms), for records without `ts`. */
  lastTs: number;
  userMtimeMs: number;
  /**
   * Set when the run's points could not be read back (a point file lost or changed): kept in the persisted index,
   * so whichever process indexes next rebuilds the run from its log even if this one stops first.
   */
  repair?: true;
  /** The first line found not to be valid UTF-8: said once per file, so later ones are not checked. */
  badUtf8Line?: number;
  /** The run's point file and the length of it the index has committed (see pointFiles.ts). */
  points?: { name: string; bytes: number };
  /** A run made of many files (RunSource.scan): each file's own position, by its path relative to the run folder. */
  parts?: Record<string, PartCursor>;
  /** A distributed run: each other rank's segment cursor, by file name (sources/trackside/segments.ts). */
  segments?: Record<string, FileState>;
  /** A distributed run: each segment's mtime as the last pass saw it (rank 0's log too), by file name. */
  mtimes?: Record<string, number>;
}

/** Where reading one file of a run made of many stopped, and what it looked like then. */
export interface PartCursor {
  size: number;
  mtimeMs: number;
  /** Bytes consumed (after the last complete line, for files read line by line) and lines consumed. */
  offset: number;
  lines: number;
  /** Hex of the first bytes, to tell a rewritten file from a grown one. */
  fingerprint: string;
  /** What the reader must remember to go on (a CSV header, say). */
  carry?: string[];
}

export const MAX_PROBLEM_DETAILS = 5;

export function newRunState(id: string, root: string, dir: string): RunState {
  return {
    id,
    root,
    dir,
    hasStart: false,
    tags: [],
    params: {},
    overrides: {},
    summary: {},
    argv: [],
    env: {},
    artifacts: [],
    problems: { count: 0, first: [] },
  };
}

export function newFileState(path: string): FileState {
  return { path, offset: 0, lines: 0, size: -1, mtimeMs: -1, fingerprint: '', prevStep: -1, systemCount: 0, lastTs: NaN, userMtimeMs: -1 };
}
