// Human-readable output: aligned tables and compact numbers, times and durations.

import * as core from '../shared/format';

// The CLI prints nothing, rather than a dash, where a value is missing.
const blankIfMissing =
  <T>(f: (v: T) => string) =>
  (v: T | undefined | null): string =>
    v === undefined || v === null ? '' : f(v);

export const formatNumber = blankIfMissing(core.formatNumber);
export const formatTime = blankIfMissing((ms: number) => (Number.isFinite(ms) ? core.formatTime(ms) : ''));
export const formatDuration = blankIfMissing((ms: number) => (Number.isFinite(ms) && ms >= 0 ? core.formatDuration(ms) : ''));

/** A value as text; `digits` are the exact digits of an integer beyond ±2^53, shown instead of its double. */
export function formatValue(v: unknown, digits?: string): string {
  if (digits !== undefined) return digits;
  if (typeof v === 'number') return core.formatNumber(v);
  if (v === null || v === undefined) return '';
  return String(v);
}

/** Control characters in logged strings must not drive the terminal. */
export function safe(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '\uFFFD').replace(/\n/g, '\u21b5');
}

const width = (s: string) => [...s].length;

/** Aligns rows under a header; columns listed in `right` are right-aligned (numbers). */
export function table(header: string[], rows: string[][], right: ReadonlySet<number> = new Set()): string {
  const cells = [header, ...rows].map((r) => r.map((c) => safe(c)));
  const widths = header.map((_, i) => Math.max(...cells.map((r) => width(r[i] ?? ''))));
  return cells
    .map((r) =>
      r
        .map((c, i) => {
          const pad = ' '.repeat(widths[i] - width(c));
          return right.has(i) ? pad + c : i === r.length - 1 ? c : c + pad;
        })
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
