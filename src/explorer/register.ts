import * as vscode from 'vscode';
import { registerCommands } from '../core/registerCommand';
import type { FeatureContext } from '../core/services';
import { RunActions } from './actions';
import { explorerCommands } from './explorerCommands';
import { RunsViewController } from './runsViewController';

/** The Runs view and the commands that act on its runs. */
export function registerExplorer(features: FeatureContext): vscode.Disposable {
  const view = new RunsViewController(features);
  const actions = new RunActions({
    store: features.store,
    output: features.output,
    run: (id) => view.run(id),
    all: () => view.runs,
    ensureLoaded: () => view.ensureLoaded(),
  });
  const commands = registerCommands(explorerCommands(view, actions, features.store), features.output);
  // Commands are disposed first, so none runs against a disposed view.
  return vscode.Disposable.from(commands, view);
}
