// What every chart panel's host and webview say to each other. Each panel's protocol (dashboard.ts,
// compare.ts) adds its own messages to these; both sides import it, so a change to a message breaks the build on
// both sides instead of failing silently at run time.
// Plain data only: everything here crosses postMessage (structured clone; typed arrays survive intact).
import type { Series } from '../shared/series';

export type PanelKind = 'dashboard' | 'compare' | 'sweep';

/** How the x axis is drawn. `relative` is wall time since the run started. */
export type XMode = 'step' | 'time' | 'relative';
export type YScale = 'linear' | 'log';

export interface ChartOptions {
  x: XMode;
  y: YScale;
  /** EMA weight in [0, 0.99]; 0 draws the raw curve only. */
  smoothing: number;
}

export const DEFAULT_OPTIONS: ChartOptions = { x: 'step', y: 'linear', smoothing: 0.6 };

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
  /** A distributed run's processes (absent for a single-process run); hosts are log text. */
  ranks?: RankView[];
  hosts?: string[];
  crashedRank?: { rank: number; host: string };
}

/** One rank of a distributed run: what its row in the dashboard's step-rate table shows. */
export interface RankView {
  rank: number;
  host: string;
  status: string;
  lastStep: number | null;
  stepRate: number | null;
}

/** A series as the store answers it (points before downsampling in `total`). */
export type SeriesData = Series;

/** What the host posts to any chart panel. */
export type ChartOutbound =
  /** Live points for series already shown (only points past what was sent before). */
  | { type: 'series/append'; series: SeriesData[]; runs: RunView[] }
  /** The answer to a zoom: denser data for one x range, replacing the shown series for the range. */
  | { type: 'series/range'; requestId: number; range: [number, number] | null; series: SeriesData[] }
  | { type: 'notice'; level: 'info' | 'error'; message: string };

/** What any chart panel's webview posts; the chart panel host answers all of these itself. */
export type ChartInbound =
  /** `plotWidth`: CSS pixels of one chart's plot, so the host sends as many points as can be seen. */
  | { type: 'ready'; plotWidth?: number }
  | { type: 'zoom'; requestId: number; x: XMode; range: [number, number] | null; plotWidth?: number }
  | { type: 'openRun'; runId: string }
  | { type: 'exportPng'; name: string; dataUrl: string }
  /** `transitMs`: from the host's post of the full state to its receipt here (both clocks are the machine's epoch). */
  | { type: 'painted'; ms: number; points: number; charts: number; transitMs?: number };

/** When a full state left the host and how long the host took to build it: the paint log splits the wait by these. */
export interface SentTiming {
  /** ms spent answering on the host. */
  hostMs: number;
  /** Epoch ms (performance.timeOrigin + now) when the host posted it; the webview's clock is the same machine's. */
  sentAt: number;
}

/** Epoch ms with sub-ms precision, comparable between the extension host and the webview on one machine. */
/** The window property where the page's first inline script keeps the host's messages until the bundle listens. */
export const INBOX = 'tracksideInbox';

export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

/** The webview persisted a new view state (VS Code gives it back to the panel serializer after a reload). */
export interface StateMessage<S> {
  type: 'state';
  state: S;
}

/** Every panel's persisted state has these: its kind (for the serializer) and its chart options. */
export interface PanelStateBase {
  kind: PanelKind;
  options: ChartOptions;
}

/** Stops the build when a switch over a panel's messages leaves a kind unhandled: call it with what is left (the
 * message, or its `type` when the union has one member, since a lone type is not narrowed to never). */
export function unhandled(rest: never): never {
  throw new Error(`unhandled message ${JSON.stringify(rest)}`);
}
