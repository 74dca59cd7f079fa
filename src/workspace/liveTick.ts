import type * as vscode from 'vscode';

/**
 * A one-second tick that runs only while switched on and never overlaps itself: the next tick is scheduled when
 * the last one's work has settled, so a slow network file system stretches the period instead of piling up calls.
 */
export class LiveTick implements vscode.Disposable {
  private timer: NodeJS.Timeout | undefined;
  private on = false;

  constructor(
    private readonly work: () => Promise<void>,
    private readonly periodMs = 1000,
  ) {}

  set(on: boolean): void {
    if (on === this.on) return;
    this.on = on;
    if (on) this.schedule();
    else this.stop();
  }

  get active(): boolean {
    return this.on;
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.work()
        .catch(() => undefined)
        .finally(() => {
          if (this.on && this.timer === undefined) this.schedule();
        });
    }, this.periodMs);
  }

  private stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  dispose(): void {
    this.on = false;
    this.stop();
  }
}
