// Markdown that shows log text literally: table cells cannot be split by `|` or newlines, and HTML, links,
// emphasis and code spans in a run name stay as the characters the run logged.

/** Escapes text for a markdown table cell or paragraph. */
export function mdText(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_{}[\]()#+!|~-])/g, '\\$1')
    .replace(/\r\n|\r|\n/g, '<br>');
}

export function mdTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
