// What the run actions do. Each takes the clicked node and the view's selection (VS Code passes both for
// multi-select trees) and acts on every selected run.
import * as vscode from 'vscode';
import { openArtifact } from '../core/openArtifact';
import { runIdsFrom } from '../core/runRef';
import { runLabel } from '../core/runLabel';
import type { StoreService } from '../core/services';
import { oneLine, plainText, withoutIcons } from '../core/text';
import { Commands } from '../core/commands';
import { nothingGiven, rowCopyTexts } from './model/nodes';
import type { ExplorerRun } from './model/run';
import { editsFolder, splitDeletable, splitWritable } from './model/readOnly';
import { MAX_NOTES, nameProblem, parseTags, tagsProblem, type UserEdits } from './model/userEdits';
import { writeUserEdits } from './userEditsFile';

export interface ActionHost {
  readonly store: StoreService;
  readonly output: vscode.LogOutputChannel;
  /** The runs currently known, by id (after the store is ready). */
  run(id: string): ExplorerRun | undefined;
  all(): readonly ExplorerRun[];
  /** Loads the store if needed. */
  ensureLoaded(): Promise<void>;
}

function describe(runs: ExplorerRun[]): string {
  // Shown in notifications, which render Markdown links: a run name is log text.
  return runs.length === 1 ? `"${plainText(runs[0]!.name, 60)}"` : `${runs.length} runs`;
}

export class RunActions {
  constructor(private readonly host: ActionHost) {}

  /** The runs a command was given; from the command palette (no argument), the user picks them. */
  private async runsFrom(arg: unknown, selection: unknown, many = true): Promise<ExplorerRun[]> {
    await this.host.ensureLoaded();
    // Single-run actions act on the clicked row (or the only selected one), not on a whole multi-selection.
    let ids = many ? runIdsFrom(arg, selection) : runIdsFrom(arg !== undefined ? arg : selection).slice(0, 1);
    if (ids.length === 0 && !nothingGiven(arg, selection)) {
      // Rows under a run (Delete on an artifact row) are not the run: say so rather than act on its owner.
      void vscode.window.showInformationMessage('Select a run in the Runs view: this acts on runs, not on the rows under them.');
      return [];
    }
    if (ids.length === 0) ids = await this.pickRuns(many);
    const runs = ids.map((id) => this.host.run(id)).filter((r): r is ExplorerRun => r !== undefined);
    if (runs.length < ids.length) void vscode.window.showWarningMessage(`${ids.length - runs.length} of the selected runs no longer exist.`);
    return runs;
  }

  private async pickRuns(many: boolean): Promise<string[]> {
    const runs = this.host.all().slice().sort((a, b) => b.startTime - a.startTime);
    if (!runs.length) {
      void vscode.window.showInformationMessage('There are no runs yet.');
      return [];
    }
    // Quick pick text draws `$(name)` as an icon; names, projects and ids all come from logs.
    const items = runs.map((r) => ({
      label: runLabel(r),
      description: withoutIcons(oneLine(`${r.project} · ${r.status}`, 200)),
      detail: withoutIcons(r.id),
      id: r.id,
    }));
    const picked = many
      ? await vscode.window.showQuickPick(items, { canPickMany: true, title: 'Choose runs', matchOnDescription: true, matchOnDetail: true })
      : await vscode.window.showQuickPick(items, { title: 'Choose a run', matchOnDescription: true, matchOnDetail: true }).then((p) => (p ? [p] : undefined));
    return (picked ?? []).map((p) => p.id);
  }

  private async edit(selected: ExplorerRun[], patch: (run: ExplorerRun) => UserEdits, what: string): Promise<void> {
    const runs = this.writable(selected, what);
    if (!runs.length) return;
    const failures: string[] = [];
    await Promise.all(
      runs.map((run) =>
        writeUserEdits(editsFolder(run)!, patch(run)).catch((err: unknown) => {
          failures.push(`${run.id}: ${err instanceof Error ? err.message : String(err)}`);
        }),
      ),
    );
    if (failures.length) {
      this.host.output.error(`Could not ${what}: ${failures.join('; ')}`);
      void vscode.window.showErrorMessage(`Could not ${what} for ${failures.length} run(s): ${plainText(failures[0]!, 300)}`);
    }
    await this.host.store.refresh();
  }

  /** The runs Trackside may write beside; the user is told about the others. */
  private writable(runs: ExplorerRun[], what: string): ExplorerRun[] {
    const { writable, refusal } = splitWritable(runs, what);
    if (refusal !== undefined) void vscode.window.showWarningMessage(plainText(refusal, 300));
    return writable;
  }

  async star(arg: unknown, selection: unknown, starred: boolean): Promise<void> {
    const runs = await this.runsFrom(arg, selection);
    if (runs.length) await this.edit(runs, () => ({ starred }), starred ? 'star' : 'unstar');
  }

  async archive(arg: unknown, selection: unknown, archived: boolean): Promise<void> {
    const runs = await this.runsFrom(arg, selection);
    if (!runs.length) return;
    await this.edit(runs, () => ({ archived }), archived ? 'archive' : 'unarchive');
    if (archived) {
      const choice = await vscode.window.showInformationMessage(`Archived ${describe(runs)}. Archived runs are hidden unless shown.`, 'Undo');
      if (choice === 'Undo') await this.edit(runs, () => ({ archived: false }), 'unarchive');
    }
  }

  async rename(arg: unknown, selection: unknown): Promise<void> {
    const [run] = this.writable(await this.runsFrom(arg, selection, false), 'rename the run');
    if (!run) return;
    const name = await vscode.window.showInputBox({
      title: 'Rename Run',
      prompt: `New name for run ${run.id}. Leave empty to use the name the run logged.`,
      value: run.name,
      valueSelection: [0, run.name.length],
      validateInput: (v) => nameProblem(v),
    });
    if (name === undefined) return;
    await this.edit([run], () => ({ name: name.trim() }), 'rename the run');
  }

  async editTags(arg: unknown, selection: unknown): Promise<void> {
    const runs = this.writable(await this.runsFrom(arg, selection), 'save the tags');
    if (!runs.length) return;
    const common = runs.map((r) => r.tags).reduce((a, b) => a.filter((t) => b.includes(t)));
    const input = await vscode.window.showInputBox({
      title: runs.length === 1 ? `Tags of ${runs[0]!.name}` : `Tags of ${runs.length} runs`,
      prompt: runs.length === 1 ? 'Separate tags with commas or spaces.' : 'Separate tags with commas or spaces. Tags shared by all selected runs are shown; what you enter replaces them on every run, other tags stay.',
      value: common.join(', '),
      placeHolder: 'baseline, lr-sweep',
      validateInput: (v) => tagsProblem(v),
    });
    if (input === undefined) return;
    const tags = parseTags(input);
    await this.edit(runs, (run) => ({ tags: [...run.tags.filter((t) => !common.includes(t)), ...tags] }), 'save the tags');
  }

  async editNotes(arg: unknown, selection: unknown): Promise<void> {
    const [run] = this.writable(await this.runsFrom(arg, selection, false), 'save the notes');
    if (!run) return;
    const notes = await vscode.window.showInputBox({
      title: `Notes on ${run.name}`,
      prompt: 'A note for this run (what you tried, what you learned). Leave empty to remove it.',
      value: run.notes ?? '',
      validateInput: (v) => (v.length > MAX_NOTES ? `Notes are at most ${MAX_NOTES.toLocaleString('en-US')} characters.` : undefined),
    });
    if (notes === undefined) return;
    await this.edit([run], () => ({ notes: notes.trim() }), 'save the notes');
  }

  /** Ctrl+C in the tree: run ids for runs; for rows under a run (a param, a metric), their values. */
  async copyRunId(arg: unknown, selection: unknown): Promise<void> {
    if (runIdsFrom(arg, selection).length === 0 && !nothingGiven(arg, selection)) {
      const values = rowCopyTexts(Array.isArray(selection) && selection.length ? selection : [arg]);
      if (values.length) {
        await vscode.env.clipboard.writeText(values.join('\n'));
        return;
      }
    }
    const ids = (await this.runsFrom(arg, selection)).map((r) => r.id);
    if (!ids.length) return;
    await vscode.env.clipboard.writeText(ids.join('\n'));
    // Status bar text draws `$(name)` as an icon.
    vscode.window.setStatusBarMessage(`Copied ${ids.length === 1 ? `run id ${withoutIcons(oneLine(ids[0]!, 80))}` : `${ids.length} run ids`}`, 3000);
  }

  async revealFolder(arg: unknown, selection: unknown): Promise<void> {
    const [run] = await this.runsFrom(arg, selection, false);
    if (!run) return;
    const uri = vscode.Uri.file(run.dir);
    // Inside the workspace, the Explorer is the better place (and works remotely); elsewhere, the OS.
    if (vscode.workspace.getWorkspaceFolder(uri)) await vscode.commands.executeCommand('revealInExplorer', uri);
    else await vscode.commands.executeCommand('revealFileInOS', uri);
  }

  async compareSelected(arg: unknown, selection: unknown): Promise<void> {
    const ids = runIdsFrom(arg, selection);
    if (ids.length < 2) {
      void vscode.window.showInformationMessage('Select two or more runs to compare (Ctrl+click or Shift+click in the Runs view).');
      return;
    }
    await vscode.commands.executeCommand(Commands.compareRuns, ids);
  }

  async delete(arg: unknown, selection: unknown): Promise<void> {
    const { trash: runs, hide } = splitDeletable(await this.runsFrom(arg, selection));
    if (hide.length) {
      // Another tool's files are never deleted from here: hiding is the delete of a run read in place.
      const hidden = this.writable(hide, 'hide');
      if (hidden.length) {
        await this.edit(hidden, () => ({ archived: true }), 'hide');
        void vscode.window.showInformationMessage(`Hid ${describe(hidden)}: another tool's files stay where they are. Archived runs are hidden unless shown.`);
      }
    }
    if (!runs.length) return;
    const running = runs.filter((r) => r.status === 'running');
    const detail = [
      runs.length === 1 ? `Its folder ${runs[0]!.dir} moves to the trash.` : `Their folders move to the trash:\n${runs.slice(0, 10).map((r) => r.dir).join('\n')}${runs.length > 10 ? '\n…' : ''}`,
      running.length ? `\n${running.length === 1 ? 'It is' : `${running.length} of them are`} still running: the process will keep writing to a deleted folder.` : '',
    ].join('');
    const ok = await vscode.window.showWarningMessage(`Delete ${describe(runs)}?`, { modal: true, detail }, 'Move to Trash');
    if (ok !== 'Move to Trash') return;
    const failed: Array<{ run: ExplorerRun; error: string }> = [];
    for (const run of runs) {
      try {
        await vscode.workspace.fs.delete(vscode.Uri.file(run.dir), { recursive: true, useTrash: true });
      } catch (err) {
        failed.push({ run, error: err instanceof Error ? err.message : String(err) });
      }
    }
    if (failed.length) {
      this.host.output.error(`Could not move to the trash: ${failed.map((f) => `${f.run.dir} (${f.error})`).join('; ')}`);
      // Remote and some virtual file systems have no trash: offer the permanent delete explicitly, never silently.
      const again = await vscode.window.showErrorMessage(
        `Could not move ${describe(failed.map((f) => f.run))} to the trash: ${plainText(failed[0]!.error, 300)}`,
        { modal: true, detail: 'This file system may have no trash. Delete permanently instead? This cannot be undone.' },
        'Delete Permanently',
      );
      if (again === 'Delete Permanently') {
        for (const { run } of failed) {
          await vscode.workspace.fs.delete(vscode.Uri.file(run.dir), { recursive: true, useTrash: false }).then(undefined, (err: unknown) => {
            void vscode.window.showErrorMessage(`Could not delete ${plainText(run.dir, 200)}: ${plainText(err instanceof Error ? err.message : String(err), 300)}`);
          });
        }
      }
    }
    await this.host.store.refresh();
  }

  /** Opens an artifact (or the recorded diff) by its recorded path, only if it is really inside the run folder. */
  async openArtifact(runDir: unknown, relative: unknown): Promise<void> {
    await openArtifact(runDir, relative);
  }

  async copyValue(arg: unknown): Promise<void> {
    const row = arg && typeof arg === 'object' ? (arg as { row?: { copyText?: unknown } }).row : undefined;
    const text = typeof row?.copyText === 'string' ? row.copyText : undefined;
    if (text !== undefined) await vscode.env.clipboard.writeText(text);
  }
}
