// The Runs view's commands, by id. Keybindings, menus and the palette reach them through package.json.
import { Commands } from '../core/commands';
import type { CommandTable } from '../core/registerCommand';
import type { StoreService } from '../core/services';
import type { RunActions } from './actions';
import { askForFilter } from './filterInput';
import type { RunsViewController } from './runsViewController';
import { askForSort } from './sortPicker';

export function explorerCommands(view: RunsViewController, actions: RunActions, store: StoreService): CommandTable {
  // From a view menu VS Code passes (clicked node, selected nodes); from the palette, nothing: use the selection.
  const withSelection = (fn: (arg: unknown, selection: unknown) => Promise<void>) => (arg?: unknown, selection?: unknown) =>
    fn(arg, selection ?? (arg === undefined ? [...view.selection] : undefined));
  return {
    // The view's title bar refresh: it indexes now, and reads the runs even if the view was never shown.
    [Commands.refresh]: async () => {
      await view.ensureLoaded();
      await store.refresh();
      await view.rebuild();
    },
    [Commands.filter]: async () => {
      await view.ensureLoaded();
      const before = view.state.filter;
      const result = await askForFilter(before, (preview) => view.previewFilter(preview));
      await view.setFilter(result ?? before);
    },
    [Commands.clearFilter]: () => view.setFilter(''),
    [Commands.sort]: async () => {
      await view.ensureLoaded();
      const metricKeys = (await store.ready()).metricKeys();
      const paramKeys = [...new Set(view.runs.flatMap((r) => Object.keys(r.params)))].sort();
      const spec = await askForSort(view.state.sort, metricKeys, paramKeys);
      if (spec) await view.setSort(spec);
    },
    [Commands.showArchived]: () => view.setShowArchived(true),
    [Commands.hideArchived]: () => view.setShowArchived(false),
    [Commands.compareSelected]: withSelection((x, s) => actions.compareSelected(x, s)),
    [Commands.copyRunId]: withSelection((x, s) => actions.copyRunId(x, s)),
    [Commands.copyValue]: (arg: unknown) => actions.copyValue(arg),
    [Commands.revealRunFolder]: withSelection((x, s) => actions.revealFolder(x, s)),
    [Commands.star]: withSelection((x, s) => actions.star(x, s, true)),
    [Commands.unstar]: withSelection((x, s) => actions.star(x, s, false)),
    [Commands.rename]: withSelection((x, s) => actions.rename(x, s)),
    [Commands.editTags]: withSelection((x, s) => actions.editTags(x, s)),
    [Commands.editNotes]: withSelection((x, s) => actions.editNotes(x, s)),
    [Commands.archive]: withSelection((x, s) => actions.archive(x, s, true)),
    [Commands.unarchive]: withSelection((x, s) => actions.archive(x, s, false)),
    [Commands.delete]: withSelection((x, s) => actions.delete(x, s)),
    [Commands.openArtifact]: (root: unknown, relative: unknown) => actions.openArtifact(root, relative),
  };
}
