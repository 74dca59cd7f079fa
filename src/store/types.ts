// The store's public contract: what the extension host, the CLI and the benchmarks may rely on.
// Everything here is plain data (structured-clone safe), so it can cross to a webview or a worker unchanged.
import type { Series } from '../shared/series';

export type RunStatus = 'running' | 'finished' | 'failed' | 'killed' | 'crashed';

/** A flattened param value (nested config keys are joined with dots: `optimizer.lr`). */
export type ParamValue = string | number | boolean | null;

export interface MetricSummary {
  /** Value at the highest step seen (NaN and ±Infinity are kept as such). */
  last: number;
  lastStep: number;
  /** Min and max over finite values; NaN when the series has no finite value. */
  min: number;
  max: number;
  count: number;
}

export interface ErrorSummary {
  type?: string;
  message?: string;
  traceback?: string;
}

export interface ArtifactInfo {
  /** Relative to the run folder, always with forward slashes. */
  path: string;
  kind?: string;
  size?: number;
  sha256?: string;
  time: number;
}

export interface RunEnvironment {
  git?: { commit?: string; branch?: string; dirty?: boolean; diffArtifact?: string; remote?: string };
  python?: { version?: string; executable?: string };
  os?: string;
  hostname?: string;
  packages?: Record<string, string>;
  gpu?: unknown;
  seed?: number | null;
  [key: string]: unknown;
}

/**
 * Exact decimal digits of integers beyond ±2^53, which the log writes as `{"$int": "<digits>"}` because a double
 * cannot hold them. The number fields keep the nearest double (to sort, filter and plot); show and pass back
 * these digits instead. Keys are the flattened keys of the field they belong to; absent when there are none.
 */
export interface ExactInts {
  params?: Record<string, string>;
  overrides?: Record<string, string>;
  summary?: Record<string, string>;
  /** `env.seed`. */
  seed?: string;
}

export interface RunSummary {
  id: string;
  /** The root folder the run was found under, and its folder. */
  root: string;
  dir: string;
  name: string;
  project: string;
  group?: string;
  parent?: string;
  tags: string[];
  notes?: string;
  status: RunStatus;
  /** Unix milliseconds. */
  startTime: number;
  endTime?: number;
  lastHeartbeat?: number;
  /** Last time anything was written (ms). */
  lastUpdate: number;
  exitCode?: number;
  error?: ErrorSummary;
  lastStep?: number;
  params: Record<string, ParamValue>;
  metrics: Record<string, MetricSummary>;
  summary: Record<string, ParamValue>;
  /** Exact digits of the integers among params, overrides, summary and env.seed that a double rounds. */
  exactInts?: ExactInts;
  gitCommit?: string;
  gitDirty?: boolean;
  /** From `<run>/user.json` (the explorer's edits); name, tags and notes above already include its overrides. */
  starred?: boolean;
  archived?: boolean;
  /**
   * The run's source allows nothing written beside it (see sources/runSource.ts): another tool's files, read in
   * place. Its edits (rename, tags, notes, star, hide) go to `editsDir` instead, when there is one.
   */
  readOnly?: boolean;
  /** The kind of source the run came from: `trackside`, `mlflow`, `tensorboard`, `huggingface`, `lightning`, `wandb`, `sacred`. */
  source?: string;
  /** Where the explorer writes this run's user.json when not in `dir` (a read-only source's side folder). */
  editsDir?: string;
  /** A teammate's run fetched through the git remote: who shared it (`git config user.name`) and from which host. */
  author?: string;
  authorHost?: string;
}

export interface RunDetail extends RunSummary {
  argv: string[];
  cwd?: string;
  executable?: string;
  env: RunEnvironment;
  artifacts: ArtifactInfo[];
  /** Params that came from TRACKSIDE_CONFIG_OVERRIDES. */
  overrides: Record<string, ParamValue>;
}

export interface Diagnostic {
  file: string;
  /** 1-based line number, when the problem is on one line. */
  line?: number;
  reason: string;
  /** Bad lines in this file, when more than one; `lines` holds the first few with their own reasons. */
  count?: number;
  lines?: Array<{ line: number; reason: string }>;
}

export interface IndexReport {
  runs: number;
  /** Points added by this pass. */
  points: number;
  /** Runs whose log changed in this pass. */
  changedRuns: string[];
  removedRuns: string[];
  diagnostics: Diagnostic[];
  ms: number;
}

/** What `scanHeaders` listed: runs shown from their log headers until the first pass reads them. */
export interface HeaderScanReport {
  listed: number;
  ms: number;
}

export type SortKey =
  | { kind: 'start' }
  | { kind: 'duration' }
  | { kind: 'name' }
  | { kind: 'status' }
  | { kind: 'param'; key: string }
  | { kind: 'metric'; key: string };

export interface RunQuery {
  status?: RunStatus[];
  project?: string;
  tags?: string[];
  since?: number;
  until?: number;
  /** Param/metric comparisons, all of which must hold. */
  where?: Array<{ field: 'param' | 'metric'; key: string; op: '<' | '<=' | '>' | '>=' | '=' | '!='; value: ParamValue }>;
  sort?: { key: SortKey; descending?: boolean };
  limit?: number;
  /** Case-insensitive substring of id, name, project, group, notes or a tag. */
  text?: string;
  starred?: boolean;
  archived?: boolean;
}

export type XAxis = 'step' | 'time';

export interface SeriesRequest {
  runIds: string[];
  keys: string[];
  /** Target points per series after downsampling (first, last and extremes are kept). */
  points: number;
  x?: XAxis;
  /** Restrict to this x range (inclusive) before downsampling: zoom. */
  range?: [number, number];
  /** Only points with step greater than this: live appends. */
  afterStep?: number;
}

export type { Series };

export interface ParamsDiffRow {
  key: string;
  values: ParamValue[];
  /** True when not every run has the same value (missing counts as a value). */
  differs: boolean;
  /** Whether each run has the key at all (`values` shows null for both a null value and a missing one). */
  present?: boolean[];
}

export interface StoreOptions {
  /** Folders holding `runs/<id>/events.jsonl`. */
  roots: string[];
  /**
   * Folders searched (bounded, no symlinks followed) for other tools' runs: MLflow, Hugging Face, Lightning,
   * Sacred, …; the roots themselves when not given.
   */
  scanFolders?: string[];
  /** Kinds of source not read (`mlflow`, `sacred`, …: see sources/sources.ts SOURCE_KINDS). */
  sourcesOff?: string[];
  /** Where the persisted index lives; undefined keeps it in memory only. */
  dbPath?: string;
  /** sql.js's wasm file; defaults to the one next to the bundle or in node_modules. */
  wasmPath?: string;
  /** Runs without a status whose last heartbeat is older than this are `crashed` (ms). */
  crashAfterMs?: number;
  now?: () => number;
}

export interface RunStore {
  /** Indexes what changed since the last call (or since the persisted state). Safe to call often. */
  index(signal?: AbortSignal, onProgress?: (done: number, total: number) => void): Promise<IndexReport>;
  /**
   * Indexes only these runs (by id = folder name): for file watchers, so one appended line costs a few ms
   * however many runs there are. Ids whose folder or log is gone are removed; unknown ids are looked up
   * under the roots.
   */
  indexRuns?(runIds: string[], signal?: AbortSignal): Promise<IndexReport>;
  /**
   * Lists the runs not in the index yet from the head and tail of their logs (name, status, params; no metrics),
   * provisionally, until a full pass reads them: the first rows of a cold start. Runs beside a pass.
   */
  scanHeaders?(onProgress?: (done: number, total: number) => void): Promise<HeaderScanReport>;
  /** Runs listed from their headers that the pass has indexed since the last call: their rows have changed. */
  settledRuns?(): string[];
  listRuns(query?: RunQuery): RunSummary[];
  getRun(id: string): RunDetail | undefined;
  /** Metric keys seen in these runs (all runs when omitted), sorted. */
  metricKeys(runIds?: string[]): string[];
  /** Reads points from the index's point files: chunks in the range, downsampled per series. */
  series(req: SeriesRequest): Promise<Series[]>;
  paramsDiff(runIds: string[]): ParamsDiffRow[];
  diagnostics(): Diagnostic[];
  /** Writes the index to dbPath atomically, if anything changed. */
  persist(): Promise<void>;
  close(): Promise<void>;
}
