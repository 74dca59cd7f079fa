// Store changes can arrive faster than a panel answers them. This runs one update at a time and folds every
// change that arrives meanwhile into a single follow-up run, so a busy log never queues unbounded work.
export class Coalescer {
  private running: Promise<void> | undefined;
  private pending = false;

  constructor(
    private readonly task: () => Promise<void>,
    private readonly onError: (err: unknown) => void,
  ) {}

  trigger(): void {
    if (this.running) {
      this.pending = true;
      return;
    }
    this.running = (async () => {
      do {
        this.pending = false;
        try {
          await this.task();
        } catch (err) {
          this.onError(err);
        }
      } while (this.pending);
      this.running = undefined;
    })();
  }

  /** Resolves when no run is in progress (for tests and orderly shutdown). */
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }
}
