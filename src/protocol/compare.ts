// The compare view's messages beyond those of every chart panel (common.ts): the comparison's full state, new
// deltas, and the requests that change which runs are compared or export them. It shows no artifacts, so it has
// no `openArtifact`.
import type { ChartInbound, ChartOptions, ChartOutbound, RunView, SentTiming, SeriesData, StateMessage } from './common';
import type { ParamRow } from '../shared/params';
import type { MetricSummaryRow } from '../shared/summary';
import type { MediaKeyView, MediaOutbound, MediaRequest } from './media';

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
  /** Media keys of the compared runs (issue 16), one entry per run and key. */
  media: MediaKeyView[];
  /** For the paint log: host time and when it was posted. */
  timing: SentTiming;
}

/** The compare view's own requests, which the compare panel handles. */
export type CompareRequest = { type: 'addRuns' } | { type: 'removeRun'; runId: string } | { type: 'exportCsv' } | { type: 'exportMarkdown' } | MediaRequest;

export type CompareInbound = ChartInbound | StateMessage<CompareState> | CompareRequest;
export type CompareOutbound =
  | ChartOutbound
  | CompareData
  /** New deltas after the baseline changed, without re-sending series. */
  | { type: 'compare/metrics'; baseline?: string; metrics: MetricSummaryRow[] }
  | MediaOutbound;
