/** While runs are live, elapsed times tick every second and statuses are re-read (to notice crashes) every few. */
const TICK_MS = 1000;
const RELIST_EVERY_TICKS = 5;

/** The Runs view's clock: runs only while a run is live and the view is visible. */
export class LiveTicker {
  private timer: NodeJS.Timeout | undefined;
  private ticks = 0;

  constructor(
    private readonly tick: (now: number) => void,
    private readonly relist: () => void,
  ) {}

  /** Ticks while `running` holds, stops otherwise. */
  runWhile(running: boolean): void {
    if (!running) {
      this.stop();
      return;
    }
    this.timer ??= setInterval(() => {
      if (++this.ticks % RELIST_EVERY_TICKS === 0) this.relist();
      else this.tick(Date.now());
    }, TICK_MS);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  dispose(): void {
    this.stop();
  }
}
