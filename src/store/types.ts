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
  /** Listed from its log's head and tail only (a first start's first rows): metrics still being read. */
  provisional?: boolean;
  /** A teammate's run fetched through the git remote: who shared it (`git config user.name`) and from which host. */
  author?: string;
  authorHost?: string;
  /** A distributed job's ranks (docs/log-format.md, "Distributed runs"), by rank; absent for one process. */
  ranks?: RankSummary[];
  /** The hosts the job's ranks ran on, in rank order of their first rank. */
  hosts?: string[];
  /** The rank whose crash made the run crashed (the lowest, when several did). */
  crashedRank?: { rank: number; host: string };
  /**
   * A fetched team run: when it was shared (Unix ms). Its status is the one it had then (a fetched run is not
   * live): `running` means running as of this time.
   */
  sharedAt?: number;
}

/** One rank of a distributed run, as its own segment tells it. */
export interface RankSummary {
  rank: number;
  host: string;
  pid: number | null;
  status: RunStatus;
  /** The last step it logged metrics at, or (ranks that log none) the step its heartbeat last reported. */
  lastStep: number | null;
  /** Its last record's time (ms, its own clock). */
  lastTs: number | null;
  /** Steps per second from its start to its last step, to spot stragglers. */
  stepRate: number | null;
  /** Why it failed or crashed, in one line. */
  error?: string;
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

/** Media logged by step (issue 16): images, histograms, tables and text; see docs/log-format.md. */
export type MediaKind = 'image' | 'histogram' | 'table' | 'text';

/** One media key of a run: its kind, how many steps logged it, and the first and last of them. */
export interface MediaKeyInfo {
  key: string;
  kind: MediaKind;
  count: number;
  firstStep: number;
  lastStep: number;
}

/**
 * A file a media record names, checked when asked for: `ok` with its absolute path (spelled under the run folder,
 * the way the webview's resource roots name it), or `missing` (deleted, never written, or refused: a path that
 * leaves the run folder by `..`, an absolute path or a symlink is never followed).
 */
export type MediaFile = { path: string; state: 'ok'; abs: string; size: number } | { path: string; state: 'missing'; why: 'missing' | 'refused' };

export interface MediaImage {
  file: MediaFile;
  width?: number;
  height?: number;
  format?: string;
  bytes?: number;
  /** Untrusted log text: show as text. */
  caption?: string;
  warning?: string;
}

export interface MediaHistogram {
  edges: number[];
  counts: number[];
  count: number;
  min: number;
  max: number;
  nan: number;
  posinf: number;
  neginf: number;
}

/** What a key holds at one step (the nearest logged step at or below the one asked for). */
export interface MediaStep {
  key: string;
  kind: MediaKind;
  step: number;
  warning?: string;
  images?: MediaImage[];
  hist?: MediaHistogram;
  table?: { file: MediaFile; columns: string[]; nrows: number; truncated: boolean };
  text?: { file: MediaFile; chars: number; preview: string };
}

/** A histogram key over steps, rebinned onto common bins (TensorBoard's distributions, as a heat map or ridges). */
export interface HistogramSeries {
  key: string;
  steps: number[];
  /** The common bins' edges: `bins + 1` numbers from the lowest edge to the highest of every step shown. */
  edges: number[];
  /** counts[i][b]: step i's values in common bin b. */
  counts: number[][];
  /** Steps logged in all (the series shows at most the budget of them, evenly spread). */
  total: number;
}

/** A table cell: a number (NaN and ±Infinity kept), string, boolean, null or an image. */
export type TableCell = number | string | boolean | null | { image: MediaFile; width?: number; height?: number };

export interface TablePage {
  file: MediaFile;
  columns: string[];
  /** Rows after sorting, `offset` to `offset + limit`. */
  rows: TableCell[][];
  offset: number;
  /** Rows in the file. */
  total: number;
  truncated: boolean;
  problem?: string;
}

export interface TableRequest {
  runId: string;
  key: string;
  step: number | 'latest';
  sort?: { column: number; descending: boolean };
  offset?: number;
  limit?: number;
}

export interface TextPage {
  file: MediaFile;
  text: string;
  /** The file was longer than what is returned. */
  cut: boolean;
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
  /**
   * Every point of every series of one run (sorted by key), not downsampled and not cached, read in bulk: one
   * index query and one point-file read. For sharing a whole run; rejects when its points cannot be read back.
   */
  wholeRun(runId: string): Promise<Series[]>;
  paramsDiff(runIds: string[]): ParamsDiffRow[];
  /** The run's media keys, sorted by key. */
  mediaKeys(runId: string): MediaKeyInfo[];
  /** The steps a media key was logged at, ascending (for a step slider). */
  mediaSteps(runId: string, key: string): number[];
  /** What `key` holds at the nearest logged step ≤ `step` (or the last one); files are checked now. */
  mediaAt(runId: string, key: string, step: number | 'latest'): Promise<MediaStep | undefined>;
  /** A histogram key over steps: at most `budget` steps, evenly spread, first and last kept; `bins` common bins. */
  histogramSeries(runId: string, key: string, budget: number, bins?: number): HistogramSeries | undefined;
  /** A page of a table key's rows at a step, sorted as asked (the parsed file is cached). */
  mediaTable(req: TableRequest): Promise<TablePage | undefined>;
  /** A text key's text at a step, at most `maxChars` characters. */
  mediaText(runId: string, key: string, step: number | 'latest', maxChars?: number): Promise<TextPage | undefined>;
  diagnostics(): Diagnostic[];
  /** Writes the index to dbPath atomically, if anything changed. */
  persist(): Promise<void>;
  /**
   * Checks the processes of running runs (and ranks) on this machine: a dead one (its pid gone, or reused by a
   * process with another start time) makes its run crashed at once, after its log is read one last time. Only
   * reads /proc (no log is opened unless a process died). True when any run's status changed. Cheap: call it
   * every second while a run on this machine is running.
   */
  checkLiveness?(): Promise<boolean>;
  close(): Promise<void>;
}
