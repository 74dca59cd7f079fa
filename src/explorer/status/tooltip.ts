// The running-runs tooltip as Markdown. Run names come from logs: each is escaped, bounded (names can be
// megabytes) and kept to one line, so a name can neither add list items nor form a link.
import { markdownLine } from '../../core/text';

const LISTED = 10;
const NAME_MAX = 80;

export function runningTooltip(running: number, names: readonly string[]): string {
  const list = names.slice(0, LISTED).map((n) => `- ${markdownLine(n, NAME_MAX)}`);
  if (names.length > LISTED) list.push('- …');
  return `**${running} Trackside run${running === 1 ? '' : 's'} running**\n\n${list.join('\n')}\n\nClick to show them.`;
}
