import * as vscode from 'vscode';
import { Disposable } from './core/lifecycle';
import { bundleStartedAt } from './core/loadClock';
import type { FeatureContext } from './core/services';
import { RunGroupDecorators } from './core/runGroups';
import { WorkspaceStore } from './workspace/workspaceStore';
import { registerExplorer } from './explorer/register';
import { registerPythonPath } from './pythonPath/register';
import { registerDashboards } from './dashboard/register';
import { registerComparisons } from './compare/register';
import { registerRerun } from './rerun/register';
import { registerHelp } from './help/register';
import { registerModels } from './models/register';
import { registerTeamRuns } from './teamRuns/register';
import { registerSweeps } from './sweeps/register';

/** The root object: owns the output channel, the store service and every feature. */
export class Trackside extends Disposable {
  constructor(extension: vscode.ExtensionContext) {
    const constructedAt = Date.now();
    super();
    const output = this.register(vscode.window.createOutputChannel('Trackside', { log: true }));
    const store = this.register(new WorkspaceStore(extension, output));
    const groups = this.register(new RunGroupDecorators());
    const features: FeatureContext = { extension, store, output, groups };
    this.register(registerDashboards(features));
    this.register(registerComparisons(features));
    this.register(registerExplorer(features));
    this.register(registerPythonPath(features));
    this.register(registerRerun(features));
    this.register(registerHelp(features));
    this.register(registerModels(features));
    this.register(registerTeamRuns(features));
    this.register(registerSweeps(features));
    output.info(`Activated: bundle evaluated in ${constructedAt - bundleStartedAt} ms, features registered in ${Date.now() - constructedAt} ms.`);
  }
}
