// Parallel coordinates of params → one metric, drawn straight on a canvas: one vertical axis per param (numbers
// scaled to their range, other values spread as categories), the metric last, one line per run in its colour.
import type { Param } from '../../src/shared/params';
import { formatNumber, formatParam } from '../../src/shared/format';
import { canvasColor, themeColors } from '../shared/theme';

export interface Axis {
  label: string;
  values: Array<Param | undefined>;
}

export interface Line {
  color: string;
  name: string;
}

interface Scaled {
  pos: Array<number | undefined>;
  ticks: Array<[number, string]>;
}

function scale(values: Array<Param | undefined>): Scaled {
  const nums = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (nums.length > 0 && nums.length === values.filter((v) => v !== undefined && v !== null).length) {
    let lo = Math.min(...nums);
    let hi = Math.max(...nums);
    if (lo === hi) [lo, hi] = [lo - 1, hi + 1];
    const pos = values.map((v) => (typeof v === 'number' && Number.isFinite(v) ? (v - lo) / (hi - lo) : undefined));
    return { pos, ticks: [[0, formatNumber(lo)], [1, formatNumber(hi)]] };
  }
  const cats = [...new Set(values.filter((v) => v !== undefined).map((v) => formatParam(v)))].sort();
  const at = (i: number): number => (cats.length === 1 ? 0.5 : i / (cats.length - 1));
  return {
    pos: values.map((v) => (v === undefined ? undefined : at(cats.indexOf(formatParam(v))))),
    ticks: cats.slice(0, 12).map((c, i) => [at(i), c.length > 14 ? `${c.slice(0, 13)}…` : c]),
  };
}

/** Draws and returns how many runs have a line. */
export function drawParallel(canvas: HTMLCanvasElement, axes: Axis[], lines: Array<Line | undefined>): number {
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth;
  const hgt = canvas.clientHeight;
  canvas.width = Math.round(w * dpr);
  canvas.height = Math.round(hgt * dpr);
  const g = canvas.getContext('2d');
  if (!g) return 0;
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, w, hgt);
  if (axes.length < 2) return 0;
  const theme = themeColors();
  const top = 28;
  const bottom = hgt - 24;
  const left = 40;
  const right = w - 60;
  const xs = axes.map((_, i) => left + ((right - left) * i) / (axes.length - 1));
  const scaled = axes.map((a) => scale(a.values));
  // Inset from the ends so lines at an axis's minimum or maximum are not hidden under the frame.
  const y = (p: number): number => bottom - (0.05 + p * 0.9) * (bottom - top);
  let drawn = 0;
  g.lineWidth = 1.4;
  lines.forEach((line, run) => {
    if (!line) return;
    g.strokeStyle = canvasColor(line.color, 0.85);
    g.beginPath();
    let pen = false;
    let any = false;
    scaled.forEach((s, i) => {
      const p = s.pos[run];
      if (p === undefined) {
        pen = false;
        return;
      }
      if (pen) g.lineTo(xs[i]!, y(p));
      else g.moveTo(xs[i]!, y(p));
      pen = true;
      any = true;
    });
    g.stroke();
    if (any) drawn++;
  });
  g.font = `11px ${getComputedStyle(document.body).getPropertyValue('--vscode-font-family') || 'sans-serif'}`;
  scaled.forEach((s, i) => {
    const x = xs[i]!;
    g.strokeStyle = theme.muted;
    g.lineWidth = 1;
    g.beginPath();
    g.moveTo(x, top);
    g.lineTo(x, bottom);
    g.stroke();
    g.fillStyle = theme.text;
    g.textAlign = i === 0 ? 'left' : i === axes.length - 1 ? 'right' : 'center';
    const label = axes[i]!.label;
    g.fillText(label.length > 24 ? `${label.slice(0, 23)}…` : label, x, top - 10);
    g.fillStyle = theme.muted;
    g.textAlign = 'left';
    for (const [p, text] of s.ticks) g.fillText(text, x + 4, y(p) + 4);
  });
  return drawn;
}
