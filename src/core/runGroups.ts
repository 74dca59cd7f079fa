// Lets a feature say more about a group of runs in the Runs view than "n runs" (a sweep's progress and best) and
// offer its commands on it (through the row's context value), without the explorer knowing the feature: the
// explorer asks the decorators for each group row it draws, and redraws the group rows when one says it changed.
import * as vscode from 'vscode';

export interface GroupOfRuns {
  project: string;
  name: string;
  runs: ReadonlyArray<{ id: string; root: string }>;
}

export interface GroupDecoration {
  description: string;
  /** Markdown, already escaped (rendered with HTML and command links off). */
  tooltip?: string;
  /** A codicon id and a theme colour id. */
  icon?: { id: string; color?: string };
  /** Words after `group` in the row's context value, for `viewItem =~` in menus: `sweep sweep-running`. */
  contextValue: string;
}

export interface GroupDecorator {
  /** Synchronous (it runs per drawn row): answer from what is known now, and call `changed()` when more is. */
  decorate(group: GroupOfRuns): GroupDecoration | undefined;
}

export class RunGroupDecorators implements vscode.Disposable {
  private readonly decorators = new Set<GroupDecorator>();
  private readonly emitter = new vscode.EventEmitter<void>();
  /** A decorator has something new to say: group rows are redrawn. */
  readonly onDidChange = this.emitter.event;

  add(decorator: GroupDecorator): vscode.Disposable {
    this.decorators.add(decorator);
    this.emitter.fire();
    return new vscode.Disposable(() => {
      this.decorators.delete(decorator);
      this.emitter.fire();
    });
  }

  changed(): void {
    this.emitter.fire();
  }

  /** The first decorator's answer; undefined leaves the row a plain group. */
  decorate(group: GroupOfRuns): GroupDecoration | undefined {
    for (const d of this.decorators) {
      const found = d.decorate(group);
      if (found) return found;
    }
    return undefined;
  }

  dispose(): void {
    this.decorators.clear();
    this.emitter.dispose();
  }
}
