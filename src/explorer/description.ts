import { describeSort, DEFAULT_SORT, type SortSpec } from './model/sort';
import type { RunsView } from './model/view';

/** The parts of a tree view this writes (a `vscode.TreeView` has both). */
export interface ViewHeader {
  description?: string;
  message?: string;
}

/**
 * The filter, sort and counts go in the view's description, and also in a one-line message above the rows:
 * when Runs is the only view in its container VS Code merges the headers and hides the description. Before the
 * first view is built the message is left alone: it may say why the runs could not be read.
 */
export function describeView(header: ViewHeader, state: { filter: string; sort: SortSpec }, view: RunsView | undefined, indexing?: { done: number; total: number }): void {
  const next: ViewHeader = { message: header.message };
  describeInto(next, state, view, indexing);
  // VS Code's extension host holds a tree's refreshes until its change events (a message set counts, changed or
  // not) have been quiet for 200 ms: set on every rebuild of a live run logging every 50 ms, the message froze
  // the whole tree until the run stopped. Only real changes are written.
  if (header.description !== next.description) header.description = next.description;
  if (header.message !== next.message) header.message = next.message;
}

function describeInto(header: ViewHeader, state: { filter: string; sort: SortSpec }, view: RunsView | undefined, indexing?: { done: number; total: number }): void {
  const filter = state.filter.length > 80 ? `${state.filter.slice(0, 79)}…` : state.filter;
  const sort = state.sort;
  const customSort = sort.key.kind !== DEFAULT_SORT.key.kind || sort.descending !== DEFAULT_SORT.descending;
  const counts = view && (filter || view.archivedHidden) ? `${view.shown} of ${view.total}` : undefined;
  header.description = [filter, customSort ? describeSort(sort) : undefined, counts].filter(Boolean).join(' · ') || undefined;
  if (!view) return;
  if (view.filterError) header.message = `Filter problem: ${view.filterError}`;
  else if (view.total > 0 && view.shown === 0) {
    header.message = filter
      ? `No runs match “${filter}”. Clear the filter with the title bar button.`
      : `All ${view.archivedHidden} runs are archived. Show archived runs from the title bar.`;
  } else {
    const parts = [filter ? `Filter: ${filter} (${view.shown} of ${view.total} runs)` : undefined, customSort ? `Sorted by ${describeSort(sort)}` : undefined];
    header.message = parts.filter(Boolean).join(' · ') || undefined;
  }
  // While the first pass runs the list is incomplete: say so, whatever else the message says.
  if (indexing !== undefined) {
    // Most rows may already be listed from their logs' headers: what comes as the pass reads them is the metrics.
    const note = `Reading runs: ${indexing.done} of ${indexing.total} so far; rows marked “reading…” get their metrics, and other tools' runs appear, as they are read.`;
    header.message = header.message === undefined ? note : `${note} ${header.message}`;
  }
}
