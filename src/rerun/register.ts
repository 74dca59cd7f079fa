import * as vscode from 'vscode';
import { Commands } from '../core/commands';
import { registerCommands } from '../core/registerCommand';
import type { FeatureContext } from '../core/services';
import { compareWithParent } from './compareWithParent';
import { RerunFlow } from './rerunFlow';

/** Rerunning a run's configuration, and comparing a rerun with the run it came from. */
export function registerRerun(features: FeatureContext): vscode.Disposable {
  const flow = new RerunFlow(features);
  const commands = registerCommands(
    {
      [Commands.rerun]: (arg?: unknown, selection?: unknown) => flow.rerun(arg, selection),
      [Commands.compareWithParent]: (arg?: unknown, selection?: unknown) => compareWithParent(features.store, arg, selection),
    },
    features.output,
  );
  return vscode.Disposable.from(commands, flow);
}
