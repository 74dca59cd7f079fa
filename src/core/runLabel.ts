// A run as every run picker names it. Names and ids come from logs: a name may hold newlines or megabytes, and
// quick pick labels draw `$(name)` as a codicon.
import { oneLine, withoutIcons } from './text';

const MAX_LABEL = 200;

/** The run's name (its id when it logged none) on one bounded line, with no icon syntax drawn. */
export function runLabel(run: { readonly name: string; readonly id: string }): string {
  return withoutIcons(oneLine(run.name || run.id, MAX_LABEL));
}
