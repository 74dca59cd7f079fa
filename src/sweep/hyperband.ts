// Early termination: asynchronous successive halving (ASHA, Li et al. 2018) on W&B's hyperband keys. Rungs sit at
// min_iter·eta^k steps of the sweep's metric; a trial reaching a rung is compared with what earlier trials had at
// that rung and stopped unless it is in their best 1/eta. No trial waits for another, so slots never idle.
import type { Goal, HyperbandSpec } from './spec';

/** The rung steps, ascending. With min_iter: s rungs (3 by default) below max_iter; with max_iter and s: s rungs up to it. */
export function rungs(spec: HyperbandSpec): number[] {
  const { eta } = spec;
  let min = spec.minIter;
  let count = spec.s;
  if (min === undefined) {
    min = Math.max(1, Math.round((spec.maxIter ?? 1) / eta ** (spec.s ?? 1)));
  }
  if (count === undefined) count = spec.maxIter !== undefined ? Math.max(1, Math.floor(Math.log(spec.maxIter / min) / Math.log(eta) + 1e-9) + 1) : 3;
  const out: number[] = [];
  for (let k = 0; k < count; k++) {
    const r = Math.round(min * eta ** k);
    if (spec.maxIter !== undefined && r >= spec.maxIter) break;
    if (out[out.length - 1] !== r) out.push(r);
  }
  return out;
}

export interface RungRecord {
  trial: number;
  rung: number;
  value: number;
}

export class Asha {
  /** rung → trial → value. */
  private readonly recorded = new Map<number, Map<number, number>>();

  constructor(readonly rungSteps: readonly number[], private readonly eta: number, private readonly goal: Goal) {}

  /** Restores what a previous controller recorded (from trials.jsonl). */
  restore(records: readonly RungRecord[]): void {
    for (const r of records) this.at(r.rung).set(r.trial, r.value);
  }

  private at(rung: number): Map<number, number> {
    let m = this.recorded.get(rung);
    if (!m) this.recorded.set(rung, (m = new Map()));
    return m;
  }

  /**
   * Looks at a running trial's series (steps ascending) and returns the new rung records and whether to stop it.
   * A rung counts once the trial has logged a step at or past it; its value is the last one at or before the rung.
   */
  observe(trial: number, steps: ArrayLike<number>, values: ArrayLike<number>): { records: RungRecord[]; stop: boolean } {
    const records: RungRecord[] = [];
    if (steps.length === 0) return { records, stop: false };
    const lastStep = steps[steps.length - 1];
    for (const rung of this.rungSteps) {
      if (lastStep < rung) break;
      const seen = this.at(rung);
      if (seen.has(trial)) continue;
      let value = NaN;
      for (let i = steps.length - 1; i >= 0; i--) {
        if (steps[i] <= rung && Number.isFinite(values[i])) {
          value = values[i];
          break;
        }
      }
      if (Number.isNaN(value)) continue;
      const cutoff = this.cutoff(seen);
      seen.set(trial, value);
      records.push({ trial, rung, value });
      if (cutoff !== undefined && (this.goal === 'minimize' ? value > cutoff : value < cutoff)) return { records, stop: true };
    }
    return { records, stop: false };
  }

  /** The value a trial must match to stay: the 1/eta quantile of the others' values, best side. */
  private cutoff(seen: Map<number, number>): number | undefined {
    if (seen.size === 0) return undefined;
    const xs = [...seen.values()].sort((a, b) => a - b);
    const q = this.goal === 'minimize' ? 1 / this.eta : 1 - 1 / this.eta;
    const pos = q * (xs.length - 1);
    const lo = Math.floor(pos);
    const hi = Math.ceil(pos);
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo);
  }
}
