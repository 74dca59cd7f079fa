// Team runs through the git remote: Share Runs…, Fetch Team Runs, and the optional automatic fetch.
import * as vscode from 'vscode';
import { Commands } from '../core/commands';
import { registerCommands } from '../core/registerCommand';
import type { FeatureContext } from '../core/services';
import { teamConfig } from './settings';
import { runIdsFrom } from '../core/runRef';
import { fetchTeamRuns, shareRuns, unshareRunsFlow } from './teamFlows';

export function registerTeamRuns(features: FeatureContext): vscode.Disposable {
  const { store, output } = features;
  let timer: ReturnType<typeof setInterval> | undefined;
  let fetching = false;
  const schedule = () => {
    if (timer !== undefined) clearInterval(timer);
    timer = undefined;
    const minutes = teamConfig(vscode.workspace.workspaceFolders?.[0]).autoFetchMinutes;
    if (minutes === 0) return;
    timer = setInterval(() => {
      if (fetching || !vscode.workspace.isTrusted) return;
      fetching = true;
      // A background fetch that fails (offline, no remote yet) is logged, never shown: the user did not ask.
      fetchTeamRuns(store, output, true)
        .catch((err: unknown) => output.warn(`automatic team fetch failed: ${err instanceof Error ? err.message : String(err)}`))
        .finally(() => (fetching = false));
    }, minutes * 60_000);
  };
  schedule();
  return vscode.Disposable.from(
    registerCommands(
      {
        [Commands.shareRuns]: () => shareRuns(store, output),
        [Commands.fetchTeamRuns]: () => fetchTeamRuns(store, output),
        [Commands.unshareRuns]: (arg?: unknown, selection?: unknown) => unshareRunsFlow(store, output, runIdsFrom(arg, selection)),
      },
      output,
    ),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('trackside.team.autoFetchMinutes')) schedule();
    }),
    { dispose: () => timer !== undefined && clearInterval(timer) },
  );
}
