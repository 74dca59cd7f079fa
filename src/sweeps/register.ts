import * as path from 'node:path';
import * as vscode from 'vscode';
import { Commands } from '../core/commands';
import { registerCommands } from '../core/registerCommand';
import { runIdsFrom } from '../core/runRef';
import type { FeatureContext } from '../core/services';
import { NEW_SWEEP, sweepAroundRun } from '../sweep/template';
import { SWEEP_FILES, SweepCodeLens } from './codeLens';
import { SweepRunner } from './sweepRunner';

/** Sweeps from the editor: new sweep files, a sweep around a run, the "Run sweep" lens, stop. */
export function registerSweeps(features: FeatureContext): vscode.Disposable {
  const runner = new SweepRunner(features, vscode.Uri.joinPath(features.extension.extensionUri, 'logger').fsPath);
  const openUntitled = async (name: string, text: string): Promise<void> => {
    const folder = vscode.workspace.workspaceFolders?.[0];
    const uri = folder ? vscode.Uri.joinPath(folder.uri, name).with({ scheme: 'untitled' }) : vscode.Uri.parse(`untitled:${name}`);
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc);
    await editor.edit((e) => e.insert(new vscode.Position(0, 0), text));
  };
  const commands = registerCommands(
    {
      [Commands.newSweep]: () => openUntitled('train.sweep.yaml', NEW_SWEEP),
      [Commands.sweepAroundRun]: async (arg?: unknown, selection?: unknown) => {
        const store = await features.store.ready();
        const id = runIdsFrom(arg, selection)[0];
        if (!id) throw new Error('Sweep Around This Run needs a run: use it from a run in the Runs view.');
        const run = store.getRun(id);
        if (!run) throw new Error(`The run ${id} is not in the index (was its folder deleted?).`);
        const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
        const script = run.argv[0];
        const absolute = script && run.cwd ? path.resolve(run.cwd, script) : undefined;
        const program = absolute && folder && !path.relative(folder, absolute).startsWith('..') ? path.relative(folder, absolute) : script;
        const name = `${run.name.replace(/[^A-Za-z0-9._-]+/g, '-').slice(0, 40) || 'run'}.sweep.yaml`;
        await openUntitled(name, sweepAroundRun({ name: run.name, params: run.params, metricKeys: Object.keys(run.metrics), program }));
      },
      [Commands.runSweep]: async (arg?: unknown) => {
        const uri = arg instanceof vscode.Uri ? arg : vscode.window.activeTextEditor?.document.uri;
        if (!uri || uri.scheme !== 'file') throw new Error('Run Sweep needs a saved sweep file (*.sweep.yaml).');
        await runner.run(uri);
      },
      [Commands.stopSweep]: async () => {
        const active = runner.active();
        if (active.length === 0) {
          void vscode.window.showInformationMessage('Trackside: no sweep is running in this window.');
          return;
        }
        const file = active.length === 1 ? active[0] : (await vscode.window.showQuickPick(active.map((f) => ({ label: path.basename(f), description: f, file: f })), { title: 'Stop which sweep?' }))?.file;
        if (file) runner.stop(file);
      },
    },
    features.output,
  );
  return vscode.Disposable.from(commands, runner, vscode.languages.registerCodeLensProvider(SWEEP_FILES, new SweepCodeLens()));
}
