// What this window knows of each sweep it has seen: its record and trials, read from `<root>/sweeps/<id>/` and
// read again (debounced) when runs change or a controller in this window reports a step. The Runs view's sweep
// nodes, the sweep panel and the commands on a node all read from here.
import * as vscode from 'vscode';
import { Disposable } from '../core/lifecycle';
import type { FeatureContext } from '../core/services';
import { controllerAlive } from '../sweep/controller';
import { phaseOf, sweepProgress, type SweepPhase, type SweepProgress } from '../sweep/progress';
import { readRecord, readTrials, sweepDir, type SweepRecord, type Trial } from '../sweep/state';

export interface KnownSweep {
  root: string;
  record: SweepRecord;
  trials: Trial[];
  phase: SweepPhase;
  progress: SweepProgress;
}

/** Re-reads at most this often while runs change (a trial logging every 100 ms must not re-read every time). */
const REFRESH_MS = 750;

export class SweepBoard extends Disposable {
  private readonly known = new Map<string, KnownSweep>();
  /** Sweeps looked for and not found (`root\0id`): a plain group, not asked again until a refresh. */
  private readonly absent = new Set<string>();
  private readonly loading = new Map<string, Promise<KnownSweep | undefined>>();
  private readonly emitter = this.register(new vscode.EventEmitter<string[]>());
  /** Sweep ids whose state changed. */
  readonly onDidChange = this.emitter.event;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly ctx: FeatureContext) {
    super();
    this.register(ctx.store.onDidChange(() => this.soon()));
    this.register({ dispose: () => clearTimeout(this.timer) });
  }

  get(id: string): KnownSweep | undefined {
    return this.known.get(id);
  }

  all(): KnownSweep[] {
    return [...this.known.values()];
  }

  /** The sweep as known now; when unknown, reads it and says so through `onDidChange`. */
  peek(root: string, id: string): KnownSweep | undefined {
    const hit = this.known.get(id);
    if (hit || this.absent.has(`${root}\u0000${id}`)) return hit;
    void this.load(root, id);
    return undefined;
  }

  /** Reads the sweep's files now. */
  load(root: string, id: string): Promise<KnownSweep | undefined> {
    const key = `${root}\u0000${id}`;
    const running = this.loading.get(key);
    if (running) return running;
    const p = this.read(root, id).finally(() => this.loading.delete(key));
    this.loading.set(key, p);
    return p;
  }

  /** Reads every known sweep again soon (coalesced). */
  soon(): void {
    if (this.timer || this.isDisposed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.absent.clear();
      for (const s of this.known.values()) void this.load(s.root, s.record.id);
    }, REFRESH_MS);
  }

  private async read(root: string, id: string): Promise<KnownSweep | undefined> {
    const dir = sweepDir(root, id);
    let record: SweepRecord | undefined;
    let trials: Trial[] = [];
    try {
      record = await readRecord(dir);
      if (record) trials = [...(await readTrials(dir)).trials.values()].sort((a, b) => a.n - b.n);
    } catch (err) {
      this.ctx.output.warn(`Could not read sweep ${id}: ${(err as Error).message}`);
    }
    if (this.isDisposed) return undefined;
    if (!record) {
      this.absent.add(`${root}\u0000${id}`);
      return undefined;
    }
    const next: KnownSweep = { root, record, trials, phase: phaseOf(record, controllerAlive(record)), progress: sweepProgress(record, trials) };
    const before = this.known.get(id);
    this.known.set(id, next);
    if (!before || JSON.stringify([before.record, before.trials, before.phase]) !== JSON.stringify([next.record, next.trials, next.phase])) {
      this.ctx.groups.changed();
      this.emitter.fire([id]);
    }
    return next;
  }
}
