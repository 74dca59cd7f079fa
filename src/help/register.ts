// Getting started and finding out more: the logger quickstart, the bundled guide and Trackside's output. The
// Runs view's welcome and title menus offer them, but they are about Trackside, not about the runs in the view.
import type * as vscode from 'vscode';
import { Commands } from '../core/commands';
import { registerCommands } from '../core/registerCommand';
import type { FeatureContext } from '../core/services';
import { openGuide } from './guide';
import { copyQuickstart } from './quickstart';

export function registerHelp(features: FeatureContext): vscode.Disposable {
  return registerCommands(
    {
      [Commands.copyQuickstart]: copyQuickstart,
      [Commands.openDocs]: () => openGuide(features.extension.extensionUri),
      [Commands.showOutput]: () => features.output.show(true),
    },
    features.output,
  );
}
