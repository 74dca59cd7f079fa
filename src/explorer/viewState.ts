import type * as vscode from 'vscode';
import { filterProblem } from './filter/parser';
import { DEFAULT_SORT, parseSortSpec, type SortSpec } from './model/sort';

const KEY = 'trackside.explorer.view';

interface Saved {
  filter?: unknown;
  sort?: unknown;
  showArchived?: unknown;
}

/** The view's filter, sort and archive toggle, remembered per workspace. */
export class ViewState {
  filter: string;
  sort: SortSpec;
  showArchived: boolean | undefined;

  constructor(private readonly memento: vscode.Memento) {
    const saved = memento.get<Saved>(KEY) ?? {};
    // A saved filter that no longer parses (say, after a grammar change) is dropped rather than kept broken.
    this.filter = typeof saved.filter === 'string' && !filterProblem(saved.filter) ? saved.filter : '';
    this.sort = parseSortSpec(saved.sort) ?? DEFAULT_SORT;
    this.showArchived = typeof saved.showArchived === 'boolean' ? saved.showArchived : undefined;
  }

  save(): Thenable<void> {
    return this.memento.update(KEY, { filter: this.filter, sort: this.sort, showArchived: this.showArchived });
  }
}
