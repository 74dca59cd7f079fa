// Any param against any metric: one point per run, in the run's colour.
import { formatNumber } from '../../src/shared/format';
import { Chart, type Point } from '../shared/chartSetup';
import { canvasColor, themeColors } from '../shared/theme';

export interface ScatterPoint extends Point {
  name: string;
  color: string;
}

export function drawScatter(canvas: HTMLCanvasElement, previous: Chart<'scatter', ScatterPoint[]> | undefined, points: ScatterPoint[], xLabel: string, yLabel: string, logY: boolean): Chart<'scatter', ScatterPoint[]> {
  previous?.destroy();
  const theme = themeColors();
  const chart = new Chart<'scatter', ScatterPoint[]>(canvas, {
    type: 'scatter',
    data: {
      datasets: [
        {
          data: points,
          pointBackgroundColor: points.map((p) => canvasColor(p.color)),
          pointBorderColor: points.map((p) => canvasColor(p.color)),
          pointRadius: 4,
          pointHoverRadius: 6,
        },
      ],
    },
    options: {
      parsing: false,
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      plugins: {
        tooltip: { callbacks: { label: (item) => `${(item.raw as ScatterPoint).name}: ${formatNumber(item.parsed.x ?? NaN)}, ${formatNumber(item.parsed.y ?? NaN)}` } },
      },
      scales: {
        x: { type: 'linear', title: { display: true, text: xLabel, color: theme.muted }, ticks: { color: theme.muted, callback: (v) => formatNumber(Number(v)) }, grid: { color: theme.grid } },
        y: { type: logY ? 'logarithmic' : 'linear', title: { display: true, text: yLabel, color: theme.muted }, ticks: { color: theme.muted, callback: (v) => formatNumber(Number(v)) }, grid: { color: theme.grid } },
      },
    },
  });
  canvas.dataset.points = String(points.length);
  canvas.setAttribute('aria-label', `Scatter of ${yLabel} against ${xLabel}: ${points.length} runs.`);
  return chart;
}
