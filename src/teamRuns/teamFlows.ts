// Share Runs… and Fetch Team Runs: the editor's side of src/team. Sharing always shows first what would leave the
// machine (runs, sizes, what is scrubbed) and pushes only the runs the user leaves ticked and accepts.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { StoreService } from '../core/services';
import type { RunStore } from '../store/types';
import { changedRunIds, publishRuns, pullRuns, sharedByMe, TEAM_DIR, unshareRuns, type PublishReport, type SharedRun } from '../team';
import { teamConfig } from './settings';

const DEFAULT_ROOT = '.trackside';

function requireTrust(): void {
  // git reads the repository's own configuration (transports, credential helpers, ssh commands): only in a
  // workspace the user trusts.
  if (!vscode.workspace.isTrusted) throw new Error('sharing and fetching runs run git in this workspace: trust the workspace first (Restricted Mode)');
}

async function pickFolder(): Promise<vscode.WorkspaceFolder | undefined> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) throw new Error('open the folder of a git repository to share runs through its remote');
  if (folders.length === 1) return folders[0];
  return vscode.window.showWorkspaceFolderPick({ placeHolder: 'Which repository’s remote?' });
}

/** The run root under this folder: the one its runs were found in, else the default `.trackside`. */
function rootIn(store: RunStore, folder: vscode.WorkspaceFolder): string {
  const base = folder.uri.fsPath;
  const roots = new Set(store.listRuns().map((r) => r.root));
  for (const root of roots) {
    const rel = path.relative(base, root);
    if (!rel.startsWith('..') && !path.isAbsolute(rel)) return root;
  }
  return path.join(base, DEFAULT_ROOT);
}

const size = (n: number) => (n < 1024 ? `${n} B` : n < 1024 * 1024 ? `${(n / 1024).toFixed(1)} KB` : `${(n / 1024 / 1024).toFixed(1)} MB`);

interface RunItem extends vscode.QuickPickItem {
  run: SharedRun;
}

function scrubText(r: SharedRun): string {
  const parts: string[] = [];
  if (r.scrubbed.length > 0) parts.push(`scrubbed: ${r.scrubbed.join(', ')}`);
  if (r.listedOnly.length > 0) parts.push(`listed without their bytes: ${r.listedOnly.join(', ')}`);
  return parts.join(' · ') || 'nothing scrubbed';
}

/** The preview: every run that would be shared, ticked; Enter pushes the ticked ones. */
async function confirm(preview: PublishReport): Promise<string[] | undefined> {
  const qp = vscode.window.createQuickPick<RunItem>();
  qp.canSelectMany = true;
  qp.matchOnDescription = true;
  qp.title = `Share runs to ${preview.remote} as ${preview.owner}`;
  qp.placeholder = `${preview.runs.length} runs, ${size(preview.runs.reduce((n, r) => n + r.bytes, 0))} before compression: untick what stays here, Enter to push`;
  qp.items = preview.runs.map((r) => ({
    label: r.name,
    description: `${r.id} · ${r.status} · ${size(r.bytes)}${r.unchanged ? ' · already shared' : ''}`,
    detail: scrubText(r),
    picked: true,
    run: r,
  }));
  qp.selectedItems = qp.items;
  return new Promise((resolve) => {
    let done = false;
    qp.onDidAccept(() => {
      done = true;
      resolve(qp.selectedItems.map((i) => i.run.id));
      qp.hide();
    });
    qp.onDidHide(() => {
      if (!done) resolve(undefined);
      qp.dispose();
    });
    qp.show();
  });
}

export async function shareRuns(service: StoreService, output: vscode.LogOutputChannel): Promise<void> {
  requireTrust();
  const folder = await pickFolder();
  if (folder === undefined) return;
  const config = teamConfig(folder);
  const store = await service.ready();
  const own = store.listRuns().filter((r) => r.readOnly !== true);
  if (own.length === 0) {
    void vscode.window.showInformationMessage('Trackside: no runs of yours to share here yet.');
    return;
  }
  const cwd = folder.uri.fsPath;
  const preview = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Trackside: preparing the share preview…' }, () =>
    publishRuns({ cwd, store, remote: config.remote, settings: config.share, dryRun: true }),
  );
  const chosen = await confirm(preview);
  if (chosen === undefined || chosen.length === 0) return;
  const report = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Trackside: sharing ${chosen.length} runs to ${preview.remote}…` }, () =>
    publishRuns({ cwd, store, runIds: chosen, remote: config.remote, settings: config.share }),
  );
  output.info(`shared ${report.runs.length} runs to ${report.remote} as ${report.owner} (${report.nothingNew ? 'nothing new' : `commit ${report.commit ?? ''}`}, ${report.merges} merges, ${report.ms} ms)`);
  void vscode.window.showInformationMessage(
    report.nothingNew ? `Trackside: nothing new to share; ${preview.remote} already has these runs.` : `Trackside: shared ${report.runs.length} runs to ${report.remote}${report.merges > 0 ? ' (merged with teammates’ runs)' : ''}.`,
  );
}

export async function fetchTeamRuns(service: StoreService, output: vscode.LogOutputChannel, quiet = false): Promise<void> {
  requireTrust();
  const folder = quiet ? vscode.workspace.workspaceFolders?.[0] : await pickFolder();
  if (folder === undefined) return;
  const config = teamConfig(folder);
  const store = await service.ready();
  const root = rootIn(store, folder);
  const run = () => pullRuns({ cwd: folder.uri.fsPath, root, remote: config.remote });
  const report = quiet ? await run() : await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Trackside: fetching team runs…' }, run);
  for (const d of report.diagnostics) output.warn(`team runs: ${d.file}: ${d.reason}`);
  output.info(`fetched team runs from ${report.remote} into ${path.join(root, TEAM_DIR)}: ${report.written.length} new or changed, ${report.unchanged} unchanged, ${report.removed.length} removed, ${report.diagnostics.length} problems (${report.ms} ms)`);
  // Only the runs the fetch wrote or removed: a pass over them, not over every run of the workspace.
  await service.refreshRuns(changedRunIds(report));
  if (quiet) return;
  const problems = report.diagnostics.length > 0 ? ` ${report.diagnostics.length} could not be read (see the Trackside output).` : '';
  void vscode.window.showInformationMessage(
    report.found ? `Trackside: ${report.written.length} new or changed team runs from ${report.remote}.${problems}` : `Trackside: no team runs on ${report.remote} yet.`,
  );
}

/**
 * Unshare Runs…: the runs this machine shared, ticked for those given (a run's context menu), then a modal
 * confirmation saying what happens, then a push of the ref without them.
 */
export async function unshareRunsFlow(service: StoreService, output: vscode.LogOutputChannel, given: string[]): Promise<void> {
  requireTrust();
  const folder = await pickFolder();
  if (folder === undefined) return;
  const config = teamConfig(folder);
  const cwd = folder.uri.fsPath;
  const mine = await sharedByMe({ cwd, remote: config.remote });
  if (mine.runIds.length === 0) {
    void vscode.window.showInformationMessage(`Trackside: no runs shared from here as ${mine.owner} to unshare.`);
    return;
  }
  const store = await service.ready();
  const names = new Map(store.listRuns().map((r) => [r.id, r.name]));
  // From a run's context menu: say at once when none of the runs given was shared from here.
  const shared = new Set(mine.runIds);
  if (given.length > 0 && !given.some((id) => shared.has(id))) {
    const what = given.length === 1 ? `${names.get(given[0]) ?? given[0]} was` : `none of the ${given.length} selected runs were`;
    void vscode.window.showInformationMessage(`Trackside: ${what} not shared from here as ${mine.owner}; nothing to unshare.`);
    return;
  }
  const items = mine.runIds.map((id) => ({ label: names.get(id) ?? id, description: id, picked: given.includes(id), id }));
  const picked = await vscode.window.showQuickPick(items, { canPickMany: true, title: `Unshare runs from ${mine.remote} (${mine.owner})`, placeHolder: 'Tick the runs to take out of the shared ref' });
  if (picked === undefined || picked.length === 0) return;
  const UNSHARE = 'Unshare';
  const sure = await vscode.window.showWarningMessage(
    `Unshare ${picked.length} run${picked.length === 1 ? '' : 's'} from ${mine.remote}?`,
    { modal: true, detail: 'Teammates’ next fetch removes them. They stay in the shared ref’s history (as anything once pushed does), and Share Runs leaves them out until you pick them again.' },
    UNSHARE,
  );
  if (sure !== UNSHARE) return;
  const report = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Trackside: unsharing from ${mine.remote}…` }, () =>
    unshareRuns({ cwd, runIds: picked.map((p) => p.id), remote: config.remote }),
  );
  output.info(`unshared ${report.removed.join(', ')} from ${report.remote} as ${report.owner} (${report.merges} merges)`);
  void vscode.window.showInformationMessage(`Trackside: unshared ${report.removed.length} run${report.removed.length === 1 ? '' : 's'} from ${report.remote}.`);
}
