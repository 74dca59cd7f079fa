// Axis values and labels for the three x modes. Time is drawn on a linear scale (unix ms) with our own labels,
// so no date adapter is bundled.
import type { XMode } from '../../src/protocol/common';
import { formatNumber } from '../../src/shared/format';

export interface XSource {
  steps: Float64Array;
  times: Float64Array;
  startTime: number;
}

export function xValues(s: XSource, mode: XMode): ArrayLike<number> {
  if (mode === 'step') return s.steps;
  if (mode === 'time') return s.times;
  const out = new Float64Array(s.times.length);
  for (let i = 0; i < out.length; i++) out[i] = s.times[i]! - s.startTime;
  return out;
}

const pad = (n: number): string => String(n).padStart(2, '0');

export function formatX(v: number, mode: XMode, span = 0): string {
  if (mode === 'step') return formatNumber(v);
  if (mode === 'time') {
    const d = new Date(v);
    const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
    if (span > 2 * 86_400_000) return `${d.getMonth() + 1}/${d.getDate()} ${hm}`;
    return span < 120_000 ? `${hm}:${pad(d.getSeconds())}` : hm;
  }
  const s = v / 1000;
  if (Math.abs(s) < 120) return `${Number(s.toFixed(1))}s`;
  if (Math.abs(s) < 7200) return `${Math.floor(s / 60)}m${pad(Math.round(s % 60))}`;
  return `${Math.floor(s / 3600)}h${pad(Math.floor((s % 3600) / 60))}`;
}

export const X_LABELS: Record<XMode, string> = { step: 'Step', time: 'Wall time', relative: 'Relative time' };
