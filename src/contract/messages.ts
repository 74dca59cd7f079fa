// The one message contract between the extension host and the chart webviews. Both sides import it, so a
// change to a message breaks the build on both sides instead of failing silently at run time.
// Plain data only: everything here crosses postMessage (structured clone; typed arrays survive intact).

export type PanelKind = 'dashboard' | 'compare';

/** How the x axis is drawn. `relative` is wall time since the run started. */
export type XMode = 'step' | 'time' | 'relative';
export type YScale = 'linear' | 'log';

export interface ChartOptions {
  x: XMode;
  y: YScale;
  /** EMA weight in [0, 0.99]; 0 draws the raw curve only. */
  smoothing: number;
}

/** What a panel needs to be rebuilt after a reload: persisted by the webview and by the serializer. */
export interface DashboardState {
  kind: 'dashboard';
  runId: string;
  options: ChartOptions;
}

export interface CompareState {
  kind: 'compare';
  runIds: string[];
  options: ChartOptions;
  /** Run the deltas are measured against; undefined picks the default (parent of a rerun, else the best run). */
  baseline?: string;
  onlyDifferences: boolean;
  /** Runs hidden from the charts with the legend. */
  hidden: string[];
  /** Metric the parallel coordinates and scatter colour/plot against. */
  targetMetric?: string;
  scatterParam?: string;
}

export type PanelState = DashboardState | CompareState;

/** A run as the webview shows it: strings are untrusted log text and must be rendered as text. */
export interface RunView {
  id: string;
  name: string;
  status: string;
  startTime: number;
  endTime?: number;
  lastUpdate: number;
  parent?: string;
  gitCommit?: string;
  gitDirty?: boolean;
  gitBranch?: string;
  /** The exact command line, shell-quoted for copying. */
  command?: string;
  cwd?: string;
  notes?: string;
  tags: string[];
  /** CSS colour for this run, the same in every chart and table of the panel. */
  color: string;
  error?: string;
}

export interface SeriesData {
  runId: string;
  key: string;
  steps: Float64Array;
  times: Float64Array;
  values: Float64Array;
  /** Points stored before downsampling. */
  total: number;
}

export type Param = string | number | boolean | null;

export interface ArtifactView {
  path: string;
  kind?: string;
  size?: number;
  /** webview URI for images under the run folder; absent for other files. */
  src?: string;
}

export interface MetricCell {
  last: number;
  lastStep: number;
  best: number;
  /** Delta of `best` against the baseline run, when both exist. */
  delta?: number;
}

export interface MetricSummaryRow {
  key: string;
  /** `min` when lower is better; `none` for system metrics, which have no best. */
  goal: 'min' | 'max' | 'none';
  /** One cell per run, in `runs` order; null when the run lacks the key. */
  cells: Array<MetricCell | null>;
  /** Index of the run with the best value, -1 when none is finite. */
  bestIndex: number;
}

export interface ParamRow {
  key: string;
  values: Array<Param | undefined>;
  differs: boolean;
  /**
   * Exact digits of integers beyond ±2^53 (`{"$int": …}` in the log) beside their doubles, one entry per run
   * (undefined where that run's value is not one); absent when no run has any. Show these, and compare cells
   * with sameCell (src/charts/params.ts), never by `values` alone: equal doubles may be different integers.
   */
  exact?: Array<string | undefined>;
}

export interface DashboardData {
  type: 'dashboard/state';
  state: DashboardState;
  run: RunView;
  params: Array<[string, Param]>;
  summary: Array<[string, Param]>;
  /** Exact digits by key of params and summary values beyond ±2^53 (as ParamRow.exact); absent when none. */
  exactParams?: Record<string, string>;
  exactSummary?: Record<string, string>;
  keys: string[];
  series: SeriesData[];
  artifacts: ArtifactView[];
  /** ms spent answering on the host, for the paint benchmark. */
  hostMs: number;
}

export interface CompareData {
  type: 'compare/state';
  state: CompareState;
  runs: RunView[];
  /** Runs named in the state that the store does not know (deleted, not indexed yet). */
  missing: string[];
  params: ParamRow[];
  metrics: MetricSummaryRow[];
  baseline?: string;
  keys: string[];
  series: SeriesData[];
  hostMs: number;
}

export type HostMessage =
  | DashboardData
  | CompareData
  /** Live points for series already shown (only points past what was sent before). */
  | { type: 'series/append'; series: SeriesData[]; runs: RunView[] }
  /** New deltas after the baseline changed, without re-sending series. */
  | { type: 'compare/metrics'; baseline?: string; metrics: MetricSummaryRow[] }
  /** The answer to a zoom: denser data for one x range, replacing the shown series for the range. */
  | { type: 'series/range'; requestId: number; range: [number, number] | null; series: SeriesData[] }
  | { type: 'notice'; level: 'info' | 'error'; message: string };

export type WebviewMessage =
  /** `plotWidth`: CSS pixels of one chart's plot, so the host sends as many points as can be seen. */
  | { type: 'ready'; plotWidth?: number }
  | { type: 'state'; state: PanelState }
  | { type: 'zoom'; requestId: number; x: XMode; range: [number, number] | null; plotWidth?: number }
  | { type: 'openRun'; runId: string }
  | { type: 'addRuns' }
  | { type: 'removeRun'; runId: string }
  | { type: 'exportPng'; name: string; dataUrl: string }
  | { type: 'exportCsv' }
  | { type: 'exportMarkdown' }
  | { type: 'openArtifact'; path: string }
  | { type: 'painted'; ms: number; points: number; charts: number };

export const DEFAULT_OPTIONS: ChartOptions = { x: 'step', y: 'linear', smoothing: 0.6 };
