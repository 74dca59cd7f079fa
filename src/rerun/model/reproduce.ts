// Did a rerun without overrides reproduce its parent? Compared metric by metric on the last logged value.
import type { MetricSummary } from '../../store/types';

export interface MetricComparison {
  key: string;
  parent: number;
  child: number;
  /** |child − parent| / |parent| (absolute difference when the parent is 0); 0 for equal non-finite values. */
  relDiff: number;
  within: boolean;
}

export interface Reproduction {
  reproduced: boolean;
  compared: MetricComparison[];
  /** Metrics only one of the two runs logged. */
  onlyParent: string[];
  onlyChild: string[];
  tolerance: number;
  message: string;
}

export function relativeDifference(parent: number, child: number): number {
  if (Number.isNaN(parent) || Number.isNaN(child)) return Number.isNaN(parent) && Number.isNaN(child) ? 0 : Number.POSITIVE_INFINITY;
  if (parent === child) return 0;
  if (!Number.isFinite(parent) || !Number.isFinite(child)) return Number.POSITIVE_INFINITY;
  const scale = Math.abs(parent);
  return scale === 0 ? Math.abs(child) : Math.abs(child - parent) / scale;
}

export function formatRel(rel: number): string {
  if (!Number.isFinite(rel)) return 'not comparable';
  if (rel === 0) return 'identical';
  const pct = rel * 100;
  return `${pct >= 0.01 ? pct.toPrecision(2) : pct.toExponential(1)}%`;
}

// System metrics (CPU, memory) measure the machine, not the experiment.
const isSystem = (key: string) => key.startsWith('system/');

export function compareMetrics(
  parent: Readonly<Record<string, MetricSummary>>,
  child: Readonly<Record<string, MetricSummary>>,
  tolerance: number,
): Reproduction {
  const pKeys = Object.keys(parent).filter((k) => !isSystem(k)).sort();
  const cKeys = new Set(Object.keys(child).filter((k) => !isSystem(k)));
  const compared: MetricComparison[] = [];
  const onlyParent: string[] = [];
  for (const key of pKeys) {
    const c = child[key];
    if (!c || !cKeys.has(key)) {
      onlyParent.push(key);
      continue;
    }
    const p = (parent[key] as MetricSummary).last;
    const relDiff = relativeDifference(p, c.last);
    compared.push({ key, parent: p, child: c.last, relDiff, within: relDiff <= tolerance });
  }
  const onlyChild = [...cKeys].filter((k) => !(k in parent)).sort();
  const failing = compared.filter((m) => !m.within).sort((a, b) => b.relDiff - a.relDiff);
  const reproduced = compared.length > 0 && failing.length === 0 && onlyParent.length === 0;
  const tol = formatRel(tolerance) === 'identical' ? 'exact' : formatRel(tolerance);
  let message: string;
  if (compared.length === 0) message = 'No metric in common with the parent run to compare.';
  else if (reproduced) {
    const worst = [...compared].sort((a, b) => b.relDiff - a.relDiff)[0] as MetricComparison;
    message = worst.relDiff === 0
      ? `Reproduced the parent's metrics exactly (${compared.length} compared).`
      : `Reproduced the parent's metrics within ${tol} (${compared.length} compared; largest difference ${worst.key} ${formatRel(worst.relDiff)}).`;
  } else {
    const parts = failing.slice(0, 3).map((m) => `${m.key} ${formatRel(m.relDiff)}`);
    if (failing.length > 3) parts.push(`${failing.length - 3} more`);
    message = failing.length > 0
      ? `Did not reproduce the parent's metrics (tolerance ${tol}): ${parts.join(', ')}.`
      : `Did not log every metric the parent did: missing ${onlyParent.slice(0, 3).join(', ')}${onlyParent.length > 3 ? '…' : ''}.`;
  }
  return { reproduced, compared, onlyParent, onlyChild, tolerance, message };
}
