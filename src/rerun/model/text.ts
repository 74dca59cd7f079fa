// Log text (run names, error messages) shown in notifications: one line, bounded, and unable to form a
// Markdown link — notifications render `[text](target)`, and a log file is untrusted.
export function plainText(text: string, max = 120): string {
  const one = text.replace(/\s+/g, ' ').trim().replace(/\[/g, '⟦').replace(/\]/g, '⟧');
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}
