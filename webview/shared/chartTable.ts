// The table alternative to a metric chart: evenly spaced points of every visible run.
import type { ChartOptions } from '../../src/protocol/common';
import { ema } from '../../src/shared/ema';
import { formatNumber } from '../../src/shared/format';
import { formatX, X_LABELS, xValues } from './axes';
import { h } from './dom';
import type { StoredSeries } from './seriesCache';

const TABLE_ROWS_PER_SERIES = 200;

export function metricTable(key: string, runs: ReadonlyArray<{ id: string; name: string; startTime: number }>, hidden: ReadonlySet<string>, series: ReadonlyMap<string, StoredSeries>, options: ChartOptions): HTMLElement {
  const rows: HTMLElement[] = [];
  const mode = options.x;
  for (const run of runs) {
    if (hidden.has(run.id)) continue;
    const s: StoredSeries | undefined = series.get(run.id);
    if (!s) continue;
    const xs = xValues({ ...s, startTime: run.startTime }, mode);
    const smooth = options.smoothing > 0 ? ema(s.values, options.smoothing) : undefined;
    const every = Math.max(1, Math.ceil(s.values.length / TABLE_ROWS_PER_SERIES));
    for (let i = 0; i < s.values.length; i += every) {
      rows.push(
        h('tr', {}, h('th', { scope: 'row' }, run.name), h('td', {}, formatX(xs[i]!, mode)), h('td', {}, formatNumber(s.values[i]!)), smooth ? h('td', {}, formatNumber(smooth[i]!)) : null),
      );
    }
  }
  const head = h('tr', {}, h('th', { scope: 'col' }, 'Run'), h('th', { scope: 'col' }, X_LABELS[mode]), h('th', { scope: 'col' }, 'Value'), options.smoothing > 0 ? h('th', { scope: 'col' }, 'Smoothed') : null);
  return h('table', {}, h('caption', {}, `${key}: up to ${TABLE_ROWS_PER_SERIES} evenly spaced points per run`), h('thead', {}, head), h('tbody', {}, ...rows));
}
