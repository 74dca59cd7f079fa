// Which metric ranks a project's runs, and which run is best. A setting names it per project; otherwise the
// first loss-like key (lower is better), else the first accuracy-like key (higher is better).
import type { ExplorerRun } from './run';

export type Goal = 'min' | 'max';

export interface PrimaryMetric {
  key: string;
  goal: Goal;
  /** True when the setting named it, false when it was guessed. */
  configured: boolean;
}

export interface Best {
  runId: string;
  value: number;
}

const LOWER_IS_BETTER = /loss|err|error|perplexity|ppl|mse|mae|rmse|wer|cer|latency|time|nll|fid/i;
const HELD_OUT = /^(val|valid|validation|eval|test|dev)[/_.-]/i;

export function inferGoal(key: string): Goal {
  return LOWER_IS_BETTER.test(key) ? 'min' : 'max';
}

/**
 * Reads `trackside.primaryMetric`: `{ "<project>" | "*": "key" | { "key": "...", "goal": "min" | "max" } }`.
 * A bare string (`"val/loss"`) applies to every project.
 */
export function configuredPrimary(setting: unknown, project: string): PrimaryMetric | undefined {
  const entry = typeof setting === 'string' ? setting : setting && typeof setting === 'object' ? ((setting as Record<string, unknown>)[project] ?? (setting as Record<string, unknown>)['*'] ?? (setting as Record<string, unknown>)['default']) : undefined;
  if (typeof entry === 'string' && entry.trim()) return { key: entry.trim(), goal: inferGoal(entry), configured: true };
  if (entry && typeof entry === 'object') {
    const { key, goal } = entry as { key?: unknown; goal?: unknown };
    if (typeof key === 'string' && key.trim()) {
      return { key: key.trim(), goal: goal === 'min' || goal === 'max' ? goal : inferGoal(key), configured: true };
    }
  }
  return undefined;
}

/** Picks the default primary metric from the keys a project's runs log. */
export function guessPrimary(keys: Iterable<string>): PrimaryMetric | undefined {
  const candidates = [...keys].filter((k) => !k.startsWith('system/')).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  const loss = candidates.find((k) => /loss/i.test(k));
  if (loss) return { key: loss, goal: 'min', configured: false };
  const acc = candidates.find((k) => /acc/i.test(k));
  if (acc) return { key: acc, goal: 'max', configured: false };
  return undefined;
}

// Held-out metrics first: the validation loss is what people rank runs by, not the training loss.
function rank(key: string): number {
  return HELD_OUT.test(key) ? 0 : 1;
}

export function primaryFor(setting: unknown, project: string, runs: readonly ExplorerRun[]): PrimaryMetric | undefined {
  const configured = configuredPrimary(setting, project);
  if (configured) return configured;
  const keys = new Set<string>();
  for (const r of runs) for (const k of Object.keys(r.metrics)) keys.add(k);
  return guessPrimary(keys);
}

/** The run's value for the primary metric: its last logged value. */
export function primaryValue(run: ExplorerRun, pm: PrimaryMetric): number | undefined {
  const m = run.metrics[pm.key];
  if (m) return m.last;
  const s = run.summary[pm.key];
  return typeof s === 'number' ? s : undefined;
}

export function isBetter(a: number, b: number, goal: Goal): boolean {
  return goal === 'min' ? a < b : a > b;
}

/**
 * The best finished run ("best so far"), by finite value. Failed, killed and crashed runs stopped early (a
 * diverged run's last loss says nothing), running ones are still moving, archived ones were set aside.
 */
export function bestRun(runs: readonly ExplorerRun[], pm: PrimaryMetric): Best | undefined {
  let best: Best | undefined;
  for (const run of runs) {
    if (run.status !== 'finished' || run.archived) continue;
    const v = primaryValue(run, pm);
    if (v === undefined || !Number.isFinite(v)) continue;
    if (!best || isBetter(v, best.value, pm.goal)) best = { runId: run.id, value: v };
  }
  return best;
}
