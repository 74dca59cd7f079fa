// Pure: turns the store's diagnostics into output-channel lines, one per file, so a log with 10,000 bad lines
// costs one line of output, not 10,000.
import type { Diagnostic } from '../store/types';

export function summarizeDiagnostics(diagnostics: readonly Diagnostic[]): string[] {
  const byFile = new Map<string, Diagnostic[]>();
  for (const d of diagnostics) {
    const list = byFile.get(d.file) ?? [];
    list.push(d);
    byFile.set(d.file, list);
  }
  const lines: string[] = [];
  for (const [file, list] of byFile) {
    const first = [...list].sort((a, b) => (a.line ?? 0) - (b.line ?? 0))[0]!;
    const where = first.line !== undefined ? `${file}:${first.line}` : file;
    const more = list.length > 1 ? ` (and ${list.length - 1} more problem${list.length === 2 ? '' : 's'} in this file)` : '';
    lines.push(`${where}: ${oneLine(first.reason)}${more}`);
  }
  return lines;
}

function oneLine(text: string): string {
  const flat = text.replace(/[\r\n]+/g, ' ');
  return flat.length > 300 ? `${flat.slice(0, 299)}…` : flat;
}
