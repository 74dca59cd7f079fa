// Carries out a confirmed plan: a terminal named after the run, in the planned folder, with only the Trackside
// variables added to its environment, and the confirmed line typed into it.
//
// Why a terminal and sendText rather than a ShellExecution task: the user sees the exact confirmed line in their
// own shell (with its conda/venv activation and profile), can stop it with Ctrl+C and repeat it with ↑, and the
// quoting is ours and unit-tested per shell instead of the task system's ShellQuoting, which has had long-standing
// bugs with nested quotes in PowerShell and cmd. With shell integration we also learn the exit code.
import * as vscode from 'vscode';
import { Disposable } from '../core/lifecycle';
import { removeWorktree } from './git';
import type { RerunPlan } from './model/plan';

export interface Launch {
  terminal: vscode.Terminal;
  /** Resolves with the exit code when shell integration reports it, or undefined when the terminal closes. */
  ended: Promise<number | undefined>;
}

const SHELL_INTEGRATION_WAIT_MS = 3000;

export class Launcher extends Disposable {
  /** Worktrees still in use, by terminal: removed when their terminal closes. */
  private readonly worktrees = new Map<vscode.Terminal, { repo: string; dir: string }>();

  constructor(private readonly log: vscode.LogOutputChannel) {
    super();
    this.register(vscode.window.onDidCloseTerminal((t) => this.cleanUp(t)));
  }

  launch(plan: RerunPlan, runName: string, worktree?: { repo: string; dir: string }): Launch {
    if (plan.commandText === undefined) throw new Error(plan.unquotable ?? 'The command cannot be typed into this shell.');
    const terminal = vscode.window.createTerminal({
      name: `Rerun: ${runName.replace(/[\r\n]+/g, ' ').slice(0, 60)}`,
      cwd: plan.cwd,
      env: plan.env,
      iconPath: new vscode.ThemeIcon('debug-rerun'),
    });
    if (worktree) this.worktrees.set(terminal, worktree);
    terminal.show();
    const ended = this.run(terminal, plan.commandText);
    this.log.info(`Rerun of ${runName} in ${plan.cwd}: ${plan.commandText}`);
    return { terminal, ended };
  }

  private async run(terminal: vscode.Terminal, line: string): Promise<number | undefined> {
    const integration = await this.shellIntegration(terminal);
    if (!integration) {
      terminal.sendText(line, true);
      return new Promise((resolve) => {
        const sub = vscode.window.onDidCloseTerminal((t) => {
          if (t !== terminal) return;
          sub.dispose();
          resolve(undefined);
        });
      });
    }
    const execution = integration.executeCommand(line);
    return new Promise((resolve) => {
      const subs = [
        vscode.window.onDidEndTerminalShellExecution((e) => {
          if (e.execution !== execution) return;
          subs.forEach((s) => s.dispose());
          resolve(e.exitCode);
        }),
        vscode.window.onDidCloseTerminal((t) => {
          if (t !== terminal) return;
          subs.forEach((s) => s.dispose());
          resolve(undefined);
        }),
      ];
    });
  }

  private shellIntegration(terminal: vscode.Terminal): Promise<vscode.TerminalShellIntegration | undefined> {
    if (terminal.shellIntegration) return Promise.resolve(terminal.shellIntegration);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        sub.dispose();
        resolve(undefined);
      }, SHELL_INTEGRATION_WAIT_MS);
      const sub = vscode.window.onDidChangeTerminalShellIntegration((e) => {
        if (e.terminal !== terminal) return;
        clearTimeout(timer);
        sub.dispose();
        resolve(e.shellIntegration);
      });
    });
  }

  private cleanUp(terminal: vscode.Terminal): void {
    const wt = this.worktrees.get(terminal);
    if (!wt) return;
    this.worktrees.delete(terminal);
    removeWorktree(wt.repo, wt.dir).then(
      () => this.log.info(`Removed the temporary worktree ${wt.dir}.`),
      (err) => {
        this.log.warn(`Could not remove the temporary worktree ${wt.dir}: ${String(err)}`);
        void vscode.window.showWarningMessage(`Trackside could not remove the temporary worktree ${wt.dir}. Remove it with: git worktree remove --force "${wt.dir}"`);
      },
    );
  }

  override dispose(): void {
    // A rerun may still be running in these folders: leave them, and say where they are.
    for (const wt of this.worktrees.values()) this.log.info(`Temporary worktree left in place (its rerun may still run): ${wt.dir}`);
    this.worktrees.clear();
    super.dispose();
  }
}
