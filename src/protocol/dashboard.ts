// The dashboard's messages beyond those of every chart panel (common.ts): one run's full state, and opening
// one of its artifacts.
import type { ChartInbound, ChartOptions, ChartOutbound, RunView, SentTiming, SeriesData, StateMessage } from './common';
import type { Param } from '../shared/params';
import type { MediaFirstView, MediaKeyView, MediaOutbound, MediaRequest } from './media';

/** What the panel needs to be rebuilt after a reload: persisted by the webview and by the serializer. */
export interface DashboardState {
  kind: 'dashboard';
  runId: string;
  options: ChartOptions;
}

export interface ArtifactView {
  path: string;
  kind?: string;
  size?: number;
  /** webview URI for images under the run folder; absent for other files. */
  src?: string;
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
  /** Media keys logged by the run (issue 16); their contents are fetched with MediaRequest. */
  media: MediaKeyView[];
  /** The first keys' latest items (not histograms), so the first images come with the state. */
  mediaFirst: MediaFirstView[];
  /** For the paint log: host time and when it was posted. */
  timing: SentTiming;
}

/** The dashboard's own requests, which the dashboard panel handles. */
export type DashboardRequest = { type: 'openArtifact'; path: string } | { type: 'registerModel'; path: string } | MediaRequest;

export type DashboardInbound = ChartInbound | StateMessage<DashboardState> | DashboardRequest;
export type DashboardOutbound = ChartOutbound | DashboardData | MediaOutbound;
