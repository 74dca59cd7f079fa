// Recorded strings (run names, params, descriptions, paths) may come from anyone's log or commit: in Markdown they
// go into code spans or fenced blocks, where nothing forms a link, an image, HTML or an autolinked URL.
import { formatNumber } from '../shared/format';
import type { models } from '../store';

/** One line of at most `max` characters. */
export function clamp(text: string, max = 200): string {
  const line = text.replace(/[\r\n\t]+/g, ' ');
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** A code span that holds any text literally (a longer backtick fence than any run inside it). */
export function code(text: string, max = 200): string {
  const line = clamp(text, max);
  const longest = Math.max(0, ...(line.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = line.startsWith('`') || line.endsWith('`') || line === '' ? ' ' : '';
  return `${fence}${pad}${line}${pad}${fence}`;
}

/** A fenced block that holds any text literally, for multi-line descriptions. */
export function block(text: string): string {
  const longest = Math.max(2, ...(text.match(/`{3,}/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}text\n${text.replace(/\r\n?/g, '\n')}\n${fence}`;
}

/** A recorded value (`{"$float": …}` and `{"$int": …}` spelled as in the log) as short text. */
export function valueText(v: models.JsonValue): string {
  if (typeof v === 'number') return formatNumber(v);
  if (typeof v === 'string') return v;
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    if (typeof o.$float === 'string' && Object.keys(o).length === 1) return o.$float;
    if (typeof o.$int === 'string' && Object.keys(o).length === 1) return o.$int;
  }
  return JSON.stringify(v);
}
