// The chart.js configuration of a metric line chart, and restyling a built one after an option or theme change.
import type { ChartOptions } from '../../src/protocol/common';
import { formatNumber } from '../../src/shared/format';
import { formatX, X_LABELS } from './axes';
import { NEAREST_LINE, type Chart, type ChartConfiguration, type Point } from './chartSetup';
import { themeColors } from './theme';

type LineDatasets = ChartConfiguration<'line', Point[]>['data']['datasets'];

/** `options` is read again by tooltips and ticks, so they follow later option changes without a rebuild. */
export function lineChartConfig(datasets: LineDatasets, options: () => ChartOptions, range: [number, number] | null, xSpan: () => number): ChartConfiguration<'line', Point[]> {
  const theme = themeColors();
  const mode = options().x;
  return {
    type: 'line',
    data: { datasets },
    options: {
      parsing: false,
      normalized: true,
      animation: false,
      maintainAspectRatio: false,
      // Sizes come from the one shared ResizeObserver (see MetricCharts' constructor), not one observer per chart.
      responsive: false,
      devicePixelRatio: window.devicePixelRatio,
      indexAxis: 'x',
      // A NaN or infinite value must show as a break in the line: a diverged loss is exactly what the user is
      // looking for, and joining across it would hide it. Gaps are rare, so chart.js's segment cost is small.
      spanGaps: false,
      elements: { point: { radius: 0, hitRadius: 5, hoverRadius: 3 }, line: { tension: 0 } },
      // A binary search per line instead of a scan of every point of every run on each mouse move.
      interaction: { mode: NEAREST_LINE, intersect: false },
      events: ['mousemove', 'mouseout'],
      plugins: {
        tooltip: {
          filter: (item) => item.dataset.order === 1,
          callbacks: {
            title: (items) => (items[0] ? `${X_LABELS[options().x]} ${formatX(items[0].parsed.x ?? NaN, options().x)}` : ''),
            label: (item) => `${item.dataset.label ?? ''}: ${formatNumber(item.parsed.y ?? NaN)}`,
          },
        },
      },
      scales: {
        x: {
          type: 'linear',
          min: range?.[0],
          max: range?.[1],
          title: { display: true, text: X_LABELS[mode], color: theme.muted },
          ticks: { color: theme.muted, maxRotation: 0, autoSkipPadding: 12, callback: (v) => formatX(Number(v), options().x, xSpan()) },
          grid: { color: theme.grid },
          border: { color: theme.grid },
        },
        y: {
          type: options().y === 'log' ? 'logarithmic' : 'linear',
          ticks: { color: theme.muted, callback: (v) => formatNumber(Number(v)) },
          grid: { color: theme.grid },
          border: { color: theme.grid },
        },
      },
    },
  };
}

/** Axis type, colours and x title of a built chart, for the current options and theme. */
export function restyleScales(chart: Chart<'line', Point[]>, options: ChartOptions): void {
  const theme = themeColors();
  const scales = chart.options.scales;
  if (scales?.x && scales.y) {
    scales.y.type = options.y === 'log' ? 'logarithmic' : 'linear';
    for (const axis of [scales.x, scales.y]) {
      if (axis.ticks) axis.ticks.color = theme.muted;
      if (axis.grid) axis.grid.color = theme.grid;
      if (axis.border) axis.border.color = theme.grid;
    }
    const title = scales.x.title;
    if (title) {
      title.text = X_LABELS[options.x];
      title.color = theme.muted;
    }
  }
}
