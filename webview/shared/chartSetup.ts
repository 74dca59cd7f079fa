// chart.js with only the pieces these views draw (tree-shaken), and the settings every chart shares:
// no parsing (data arrives as {x, y}), no animation, normalized (sorted, unique x) data.
import {
  Chart,
  LineController,
  LineElement,
  LinearScale,
  LogarithmicScale,
  PointElement,
  ScatterController,
  Tooltip,
  type ChartConfiguration,
} from 'chart.js';

Chart.register(LineController, ScatterController, LineElement, PointElement, LinearScale, LogarithmicScale, Tooltip);
Chart.defaults.font.family = getComputedStyle(document.body).getPropertyValue('--vscode-font-family') || 'sans-serif';
Chart.defaults.font.size = 11;

export { Chart };
export type { ChartConfiguration };

export interface Point {
  x: number;
  y: number;
}
