// Runs sweep files from the editor: the same controller as `trackside sweep run`, in the extension host, with a
// cancellable progress notification (cancel stops the sweep; running the file again resumes it).
import * as path from 'node:path';
import * as vscode from 'vscode';
import { Disposable } from '../core/lifecycle';
import { Commands } from '../core/commands';
import type { FeatureContext } from '../core/services';
import { pythonExtensionInterpreter } from '../core/pythonInterpreter';
import { runSweep, type SweepResult } from '../sweep/controller';
import { SweepSpecError } from '../sweep/spec';

export class SweepRunner extends Disposable {
  private readonly running = new Map<string, AbortController>();
  /** The sweep id of each running file, once its controller has written its record. */
  private readonly ids = new Map<string, string>();
  /** Shown while a sweep runs: its last progress line; a click opens its panel. */
  private readonly status: vscode.StatusBarItem;

  constructor(
    private readonly ctx: FeatureContext,
    private readonly loggerDir: string,
    /** Told when a controller here records a step, so the sweep's node and panel read it again. */
    private readonly stepped: () => void = () => undefined,
  ) {
    super();
    this.register({ dispose: () => this.running.forEach((c) => c.abort()) });
    this.status = this.register(vscode.window.createStatusBarItem('trackside.sweep', vscode.StatusBarAlignment.Left, 10));
    this.status.name = 'Trackside sweep';
  }

  private showStatus(file: string, line?: string): void {
    if (this.running.size === 0) {
      this.status.hide();
      return;
    }
    this.status.text = `$(beaker) ${path.basename(file)}${this.running.size > 1 ? ` +${this.running.size - 1}` : ''}`;
    this.status.tooltip = `${line ?? 'Trackside sweep running'}\nClick to open the sweep panel (stop, pause and resume are there and on the sweep in the Runs view).`;
    const id = this.ids.get(file);
    this.status.command = id ? { command: Commands.openSweep, title: 'Open Sweep Panel', arguments: [id] } : Commands.openSweep;
    this.status.show();
  }

  /** Sweep files running now (for the stop command). */
  active(): string[] {
    return [...this.running.keys()];
  }

  stop(file: string): void {
    this.running.get(file)?.abort();
  }

  /** The file a sweep id runs from here, when it does. */
  fileOf(id: string): string | undefined {
    for (const [file, known] of this.ids) if (known === id) return file;
    return undefined;
  }

  async run(uri: vscode.Uri): Promise<SweepResult | undefined> {
    if (!vscode.workspace.isTrusted) {
      const manage = 'Manage Workspace Trust';
      const choice = await vscode.window.showWarningMessage(
        'Trackside: sweeps are disabled in Restricted Mode. A sweep runs the program its file names, and in an untrusted workspace that file may have been written by anyone. Trust this workspace to run sweeps.',
        manage,
      );
      if (choice === manage) await vscode.commands.executeCommand('workbench.trust.manage');
      return undefined;
    }
    const file = uri.fsPath;
    if (this.running.has(file)) throw new Error(`the sweep ${path.basename(file)} is already running`);
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.fsPath === file);
    if (doc?.isDirty) await doc.save();
    const abort = new AbortController();
    this.running.set(file, abort);
    this.showStatus(file);
    const output = this.ctx.output;
    try {
      return await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `Trackside sweep ${path.basename(file)}`, cancellable: true },
        async (progress, token) => {
          token.onCancellationRequested(() => abort.abort());
          const env = { ...process.env, PYTHONPATH: [this.loggerDir, process.env.PYTHONPATH].filter(Boolean).join(path.delimiter) };
          // `${interpreter}`: the Python extension's selected interpreter for this file, as a rerun uses.
          const interpreter = (await pythonExtensionInterpreter(uri, output)) ?? 'python3';
          output.info(`sweep ${path.basename(file)}: \${interpreter} is ${interpreter}`);
          try {
            const result = await runSweep({
              file, root: rootFor(uri), signal: abort.signal, env, interpreter,
              onStart: (id) => {
                this.ids.set(file, id);
                this.showStatus(file);
                this.stepped();
              },
              log: (line) => {
                output.info(`sweep: ${line}`);
                progress.report({ message: line.slice(0, 120) });
                this.showStatus(file, line.slice(0, 200));
                if (/ (finished|failed|pruned|skipped|launched|paused|resumed|stopping)/.test(line)) {
                  void this.ctx.store.refresh();
                  this.stepped();
                }
              },
            });
            await this.ctx.store.refresh();
            const best = result.best ? `; best ${result.best.value} (run ${result.best.run})` : '';
            void vscode.window.showInformationMessage(`Trackside: sweep ${result.sweep} ${result.status}: ${result.trials} trials, ${result.pruned} pruned, ${result.failed} failed${best}${result.reason ? ` (${result.reason})` : ''}`.slice(0, 300));
            return result;
          } catch (err) {
            if (err instanceof SweepSpecError) {
              output.error(err.message);
              throw new Error(`${path.basename(file)} is not a valid sweep file: ${err.errors[0].message} (line ${err.errors[0].line}, column ${err.errors[0].column}${err.errors.length > 1 ? `; ${err.errors.length - 1} more in the output` : ''})`);
            }
            throw err;
          }
        },
      );
    } finally {
      this.running.delete(file);
      this.ids.delete(file);
      this.stepped();
      this.showStatus(this.running.keys().next().value ?? file);
    }
  }
}

/** The run root a sweep writes to: $TRACKSIDE_DIR, else `.trackside` in the sweep file's workspace folder. */
export function rootFor(uri: vscode.Uri): string {
  const env = process.env.TRACKSIDE_DIR;
  if (env && path.isAbsolute(env)) return env;
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  return path.join(folder ? folder.uri.fsPath : path.dirname(uri.fsPath), '.trackside');
}
