// Text formatting for tree rows and tooltips. Everything that comes from a log is untrusted: it is clamped in
// length and, for Markdown, escaped so that `<img onerror=…>` or `[x](command:…)` stays literal text.
import { formatNumber } from '../../shared/format';

export function formatBytes(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n) || n < 0) return '';
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? v : v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/** How long ago, coarsely: `just now`, `5 min ago`, `3 h ago`, `2 days ago`. */
export function formatAgo(ms: number, now: number): string {
  const s = Math.max(0, (now - ms) / 1000);
  if (s < 45) return 'just now';
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  const d = Math.round(s / 86400);
  return d === 1 ? 'yesterday' : `${d} days ago`;
}

/** `1234567` → `1,234,567` (Intl is slow enough to matter across 10,000 rows). */
export function formatCount(n: number): string {
  return Number.isInteger(n) ? String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',') : formatNumber(n);
}

/** One line of at most `max` characters: log strings may hold newlines or megabytes. */
export function clamp(text: string, max = 120): string {
  if (text.length <= max && !/[\r\n\t]/.test(text)) return text;
  const line = text.replace(/[\r\n\t]+/g, ' ');
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** Text in a code span, whatever backticks it holds. */
export function codeSpan(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((s) => s.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text.replace(/\r?\n/g, ' ')}${pad}${fence}`;
}
