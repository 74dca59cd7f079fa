// Drag-to-zoom on one chart's plot: a selection box while dragging, an x range when released.
import type { Chart, Point } from './chartSetup';

/** Drag across a chart to zoom every chart to that x range. */
export function attachZoom(plot: HTMLElement, selection: HTMLElement, chartOf: () => Chart<'line', Point[]> | undefined, zoom: (range: [number, number]) => void): void {
  let start: number | undefined;
  const local = (e: PointerEvent): number => e.clientX - plot.getBoundingClientRect().left;
  plot.addEventListener('pointerdown', (e) => {
    if (e.button !== 0 || !chartOf()) return;
    start = local(e);
    plot.setPointerCapture(e.pointerId);
  });
  plot.addEventListener('pointermove', (e) => {
    if (start === undefined) return;
    const now = local(e);
    selection.hidden = false;
    selection.style.left = `${Math.min(start, now)}px`;
    selection.style.width = `${Math.abs(now - start)}px`;
  });
  const finish = (e: PointerEvent): void => {
    if (start === undefined) return;
    const end = local(e);
    selection.hidden = true;
    const from = start;
    start = undefined;
    const scale = chartOf()?.scales.x;
    if (!scale || Math.abs(end - from) < 5) return;
    const a = scale.getValueForPixel(Math.min(from, end));
    const b = scale.getValueForPixel(Math.max(from, end));
    if (a === undefined || b === undefined || !(b > a)) return;
    zoom([a, b]);
  };
  plot.addEventListener('pointerup', finish);
  plot.addEventListener('pointercancel', () => {
    start = undefined;
    selection.hidden = true;
  });
}
