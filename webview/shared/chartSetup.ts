// chart.js with only the pieces these views draw (tree-shaken), and the settings every chart shares:
// no parsing (data arrives as {x, y}), no animation, normalized (sorted, unique x) data.
import {
  Chart,
  Interaction,
  LineController,
  LineElement,
  LinearScale,
  LogarithmicScale,
  PointElement,
  ScatterController,
  Tooltip,
  type ChartConfiguration,
  type InteractionItem,
  type InteractionModeFunction,
} from 'chart.js';
import { getRelativePosition } from 'chart.js/helpers';

Chart.register(LineController, ScatterController, LineElement, PointElement, LinearScale, LogarithmicScale, Tooltip);
Chart.defaults.font.family = getComputedStyle(document.body).getPropertyValue('--vscode-font-family') || 'sans-serif';
Chart.defaults.font.size = 11;

export { Chart };
export type { ChartConfiguration };

export interface Point {
  x: number;
  y: number;
}

/**
 * Tooltip mode: the point nearest the pointer among the lines drawn on top (the smoothed curves, not the faint
 * raw ones behind them). chart.js's own `nearest` scans every point of every line on each mouse move; lines
 * are sorted by x, so a binary search per line finds the candidates in O(lines × log points).
 */
export const NEAREST_LINE = 'nearestLine';

declare module 'chart.js' {
  interface InteractionModeMap {
    nearestLine: InteractionModeFunction;
  }
}

interface Located {
  x: number;
  y: number;
  skip?: boolean;
}

const nearestLine: InteractionModeFunction = (chart, e) => {
  const pos = getRelativePosition(e, chart);
  const metas = chart.getSortedVisibleDatasetMetas();
  let top = Infinity;
  for (const meta of metas) top = Math.min(top, meta.order);
  let best: InteractionItem | undefined;
  let bestDistance = Infinity;
  for (const meta of metas) {
    if (meta.order !== top) continue;
    const points = meta.data as unknown as Located[];
    let lo = 0;
    let hi = points.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (points[mid]!.x < pos.x) lo = mid + 1;
      else hi = mid;
    }
    for (const i of [lo - 1, lo]) {
      const p = points[i];
      if (!p || p.skip || !Number.isFinite(p.y)) continue;
      const d = Math.hypot(p.x - pos.x, p.y - pos.y);
      if (d < bestDistance) {
        bestDistance = d;
        best = { element: meta.data[i]!, datasetIndex: meta.index, index: i };
      }
    }
  }
  return best ? [best] : [];
};
Interaction.modes[NEAREST_LINE] = nearestLine;
