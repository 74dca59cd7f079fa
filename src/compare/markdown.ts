// Markdown tables for the exported report. Cells hold log text escaped by `mdText` in report.ts (built on
// src/core/text.ts), so HTML, links, emphasis and code spans stay as the characters the run logged.

export function mdTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
