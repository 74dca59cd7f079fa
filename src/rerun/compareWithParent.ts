// "Trackside: Compare with Parent": a rerun beside the run it was started from.
import * as vscode from 'vscode';
import { Commands } from '../core/commands';
import { runIdsFrom } from '../core/runRef';
import type { StoreService } from '../core/services';
import { plainText } from '../core/text';
import { pickRun } from './pickRun';

export async function compareWithParent(service: StoreService, arg: unknown, selection: unknown): Promise<void> {
  const store = await service.ready();
  const id =
    runIdsFrom(arg, selection)[0] ??
    (await pickRun(store.listRuns().filter((r) => r.parent), 'Trackside: Compare with Parent', 'Pick a rerun to compare with the run it came from'));
  if (!id) return;
  const run = store.getRun(id);
  if (!run) throw new Error(`The run ${id} is not in the index.`);
  if (!run.parent) {
    void vscode.window.showInformationMessage(`'${plainText(run.name, 60)}' has no parent run: it was not started as a rerun.`);
    return;
  }
  if (!store.getRun(run.parent)) {
    void vscode.window.showWarningMessage(`The parent run ${plainText(run.parent, 60)} of '${plainText(run.name, 60)}' is not in the index (was it deleted?).`);
    return;
  }
  await vscode.commands.executeCommand(Commands.compareRuns, [run.parent, run.id]);
}
