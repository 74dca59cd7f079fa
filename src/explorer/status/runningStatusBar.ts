import * as vscode from 'vscode';
import { runningTooltip } from './tooltip';

/** "⟳ 2 running" in the status bar while runs are live; a click shows them in the Runs view. */
export class RunningStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('trackside.running', vscode.StatusBarAlignment.Left, 10);

  constructor(focusCommand: string) {
    this.item.name = 'Trackside Running Runs';
    this.item.command = focusCommand;
  }

  update(running: number, names: string[]): void {
    if (running <= 0) {
      this.item.hide();
      return;
    }
    this.item.text = `$(sync~spin) ${running} running`;
    const tip = new vscode.MarkdownString(runningTooltip(running, names));
    tip.supportHtml = false;
    tip.isTrusted = false;
    this.item.tooltip = tip;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
