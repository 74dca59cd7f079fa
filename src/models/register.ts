import * as vscode from 'vscode';
import { Commands } from '../core/commands';
import { registerCommands } from '../core/registerCommand';
import type { FeatureContext } from '../core/services';
import { ModelActions } from './actions';
import { ModelsView } from './modelsView';

/** The Models view and the commands that register, alias, describe and trace model versions. */
export function registerModels(features: FeatureContext): vscode.Disposable {
  const view = new ModelsView(features);
  const actions = new ModelActions(view, features.store);
  const commands = registerCommands(
    {
      [Commands.registerModel]: (arg?: unknown) => actions.register(arg),
      [Commands.moveModelAlias]: (arg?: unknown) => actions.moveAlias(arg),
      [Commands.openModelCard]: (arg?: unknown) => actions.openCard(arg),
      [Commands.revealModelRun]: (arg?: unknown) => actions.revealRun(arg),
      [Commands.rerunModelVersion]: (arg?: unknown) => actions.rerun(arg),
      [Commands.compareModelVersions]: (arg?: unknown, selection?: unknown) => actions.compare(arg, selection),
      [Commands.refreshModels]: () => view.reload(),
      [Commands.editModelDescription]: (arg?: unknown) => actions.editDescription(arg),
    },
    features.output,
  );
  return vscode.Disposable.from(commands, view);
}
