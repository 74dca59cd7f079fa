// How many points per series the host sends, budgeted by the pixels a chart has rather than by a fixed count.
// A line drawn through a min/max-preserving downsample looks the same as the full series once there are about
// two points per pixel column (one low, one high); more points cost transfer, memory and drawing, and add no
// ink a user can see. With many overlaid runs the lines cover each other, so the total ink per chart is capped
// too and each run gets its share of it, never fewer than a floor that keeps a curve's shape recognisable.
// Zooming asks again for the narrower range with the same count, so detail comes back where the user looks.

/** Points per pixel column that keep a min/max downsample indistinguishable from the full line. */
export const POINTS_PER_PIXEL = 2;
/** Total points per pixel column for all the lines of one chart together. */
export const CHART_INK_PER_PIXEL = 40;
/** The fewest points a series gets, however many share the chart. */
export const MIN_POINTS = 200;
/** Width assumed until the webview reports its own (a chart card beside the explorer on a laptop). */
export const DEFAULT_PLOT_WIDTH = 600;
/** Points of all series in one message: three float64 arrays per point keeps this around 5 MB. */
export const MESSAGE_POINTS = 200_000;

export interface PointBudget {
  /** Width of one chart's plot area in CSS pixels, as the webview measured it; undefined when unknown. */
  plotWidth: number | undefined;
  /** Series drawn in one chart: the runs overlaid. */
  runs: number;
  /** Charts in the panel (metric keys): bounds the size of one message. */
  charts: number;
  /** The user's ceiling (`trackside.charts.maxPoints`). */
  max: number;
}

/** Points per series to ask the store for. */
export function pointsPerSeries({ plotWidth, runs, charts, max }: PointBudget): number {
  const width = plotWidth !== undefined && Number.isFinite(plotWidth) && plotWidth > 0 ? plotWidth : DEFAULT_PLOT_WIDTH;
  const lines = Math.max(1, Math.floor(runs) || 1);
  const perSeries = Math.ceil(width * POINTS_PER_PIXEL);
  const shareOfChart = Math.floor((width * CHART_INK_PER_PIXEL) / lines);
  const shareOfMessage = Math.floor(MESSAGE_POINTS / (lines * Math.max(1, Math.floor(charts) || 1)));
  const ceiling = Math.max(MIN_POINTS, Number.isFinite(max) ? Math.floor(max) : MIN_POINTS);
  return Math.min(ceiling, Math.max(MIN_POINTS, Math.min(perSeries, shareOfChart, shareOfMessage)));
}

/** A reported plot width, or undefined when it is not a plausible one (a webview's word is not trusted). */
export function plotWidthFrom(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 50 && v <= 16_384 ? Math.round(v) : undefined;
}
