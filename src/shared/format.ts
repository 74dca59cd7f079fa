// Number and time formatting shared by the tree, the tables, the exports, the CLI and the webviews. Pure: no
// `vscode` import, so the webview bundle and the CLI can use it too.

/** A number the way a person scans a column: 4 significant digits, exponents for the very small and large. */
export function formatNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return '∞';
  if (n === -Infinity) return '-∞';
  if (Number.isInteger(n) && Math.abs(n) < 1e15) return String(n);
  const abs = Math.abs(n);
  if (abs !== 0 && (abs < 1e-3 || abs >= 1e6)) return n.toExponential(3).replace(/\.?0+e/, 'e');
  return String(Number(n.toPrecision(4)));
}

/** A signed difference: `+0.05`, `-1.2e-4`, `0`. */
export function formatDelta(n: number): string {
  if (n === 0) return '0';
  return (n > 0 ? '+' : '-') + formatNumber(Math.abs(n));
}

/** `45s`, `3m 02s`, `47h 05m`, `2d 3h`; `—` for no duration. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/**
 * A param as a table shows it: strings as they are, numbers compact, missing as an em dash. `digits` are the
 * exact digits of an integer beyond ±2^53 (see exactDigits), shown in full instead of the rounded double.
 */
export function formatParam(v: string | number | boolean | null | undefined, digits?: string): string {
  if (digits !== undefined) return digits;
  if (v === undefined) return '—';
  if (typeof v === 'number') return formatNumber(v);
  return String(v);
}

/** The exact digits recorded for `key` (a store's `exactInts` map), if any; own keys only, so `__proto__` is a key too. */
export function exactDigits(digits: Readonly<Record<string, string>> | undefined, key: string): string | undefined {
  return digits !== undefined && Object.hasOwn(digits, key) ? digits[key] : undefined;
}

/** `2026-01-10 12:00:05` in local time; `—` for no time. */
export function formatTime(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  const d = new Date(ms);
  const p = (x: number): string => String(x).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}
