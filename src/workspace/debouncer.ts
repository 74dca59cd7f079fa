import type * as vscode from 'vscode';

/**
 * Runs `action` once a burst of triggers has been quiet for `quietMs`, and at the latest `maxWaitMs` after the
 * burst began, so a steady stream of events still gets served.
 */
export class Debouncer implements vscode.Disposable {
  private timer: NodeJS.Timeout | undefined;
  private firstAt = 0;

  constructor(
    private readonly quietMs: number,
    private readonly maxWaitMs: number,
    private readonly action: () => void,
    private readonly now: () => number = Date.now,
  ) {}

  trigger(): void {
    const now = this.now();
    if (this.timer === undefined) this.firstAt = now;
    else clearTimeout(this.timer);
    const wait = Math.max(0, Math.min(this.quietMs, this.firstAt + this.maxWaitMs - now));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.action();
    }, wait);
  }

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
