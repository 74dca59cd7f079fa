// Where a sweep stands, from its record and its trials: what the Runs view's sweep node, the status bar and the
// sweep panel say. Plain data, no I/O, so every count and the best-so-far curve are unit-tested.
import type { Params, Value } from './space';
import type { Outcome, SweepRecord, Trial } from './state';

/** What a user is told a sweep is doing. `interrupted`: its record says running but no controller is alive. */
export type SweepPhase = 'running' | 'paused' | 'interrupted' | 'finished' | 'stopped' | 'failed';

export interface SweepProgress {
  /** Trials that ended and count toward the cap (finished, failed, pruned, skipped). */
  done: number;
  total?: number;
  running: number;
  finished: number;
  pruned: number;
  failed: number;
  skipped: number;
  best?: { n: number; run: string; value: number; params: Params };
  /** Per ended trial in launch order: its value and the best value so far (undefined until one has a value). */
  curve: Array<{ n: number; value?: number; best?: number }>;
}

const COUNTED: ReadonlySet<Outcome> = new Set(['finished', 'failed', 'pruned', 'skipped']);

export function phaseOf(record: SweepRecord, controllerAlive: boolean): SweepPhase {
  if (record.status !== 'running') return record.status;
  if (!controllerAlive) return 'interrupted';
  return record.paused ? 'paused' : 'running';
}

export function sweepProgress(record: Pick<SweepRecord, 'metric' | 'total'>, trials: Iterable<Trial>): SweepProgress {
  const sorted = [...trials].sort((a, b) => a.n - b.n);
  const maximize = record.metric?.goal === 'maximize';
  const better = (a: number, b: number): boolean => (maximize ? a > b : a < b);
  const p: SweepProgress = { done: 0, total: record.total, running: 0, finished: 0, pruned: 0, failed: 0, skipped: 0, curve: [] };
  for (const t of sorted) {
    if (t.outcome === undefined) {
      p.running++;
      continue;
    }
    if (!COUNTED.has(t.outcome)) continue;
    p.done++;
    if (t.outcome === 'finished') p.finished++;
    else if (t.outcome === 'pruned') p.pruned++;
    else if (t.outcome === 'failed') p.failed++;
    else p.skipped++;
    // A pruned trial's value is from an early step: it is drawn, but never the best (as in `summarize`).
    const value = t.value !== undefined && Number.isFinite(t.value) ? t.value : undefined;
    if (value !== undefined && (t.outcome === 'finished' || t.outcome === 'skipped') && (!p.best || better(value, p.best.value))) {
      p.best = { n: t.n, run: t.run, value, params: t.params };
    }
    p.curve.push({ n: t.n, value, best: p.best?.value });
  }
  return p;
}

/** A param value as tables show it: lists and mappings as their JSON. */
export function asParam(v: Value): string | number | boolean | null {
  return v !== null && typeof v === 'object' ? JSON.stringify(v) : v;
}
