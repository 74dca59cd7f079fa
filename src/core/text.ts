// Log text (run names, metric keys, error messages, paths) is untrusted: a log file can be written by anyone.
// These helpers make it inert wherever VS Code would otherwise interpret it.

/** One line of at most `max` characters: log strings may hold newlines or megabytes. */
export function oneLine(text: string, max = 120): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/**
 * For non-modal notifications, which render `[text](target)` as a link (including `command:` links): one line,
 * bounded, and brackets swapped for look-alikes so no link can form.
 */
export function plainText(text: string, max = 120): string {
  return oneLine(text.replace(/\[/g, '⟦').replace(/\]/g, '⟧'), max);
}

/** Escapes text for a MarkdownString (rendered without HTML): every character stays literal. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_{}[\]()#+\-.!|~:"'$]/g, '\\$&')
    .replace(/\r?\n/g, '  \n');
}

/** An escaped Markdown line, for list items and table cells that a newline in the text would break. */
export function markdownLine(text: string, max = 120): string {
  return escapeMarkdown(oneLine(text, max));
}

/**
 * For labels that render `$(name)` as a codicon (quick pick items, status bar text). A word joiner between `$`
 * and `(` breaks the pattern without a visible character; unlike a backslash escape it does not depend on which
 * renderer draws the label.
 */
export function withoutIcons(text: string): string {
  return text.replace(/\$\(/g, '$\u2060(');
}
