// The ranks of a distributed run as the Runs view and the dashboard show them: step rates ranked so a straggler
// stands out, and per-host system metrics (`system/<host>/<key>`, see the ranks contract) grouped by host.
// Webview-safe: no Node, no vscode.

/** What the views read of one rank (the store's RunSummary.ranks entries have these and more). */
export interface RankLike {
  rank: number;
  host: string;
  status: string;
  lastStep: number | null;
  stepRate: number | null;
}

export interface RankRate {
  rank: number;
  host: string;
  status: string;
  lastStep: number | null;
  stepRate: number | null;
  /** stepRate over the fastest rank's, in [0, 1]; null when either is unknown. */
  fraction: number | null;
  /** The slowest rank with a known rate, when the ranks' rates differ enough to call it a straggler. */
  slowest: boolean;
}

/** A rank slower than this share of the median rate is a straggler; below it, rates differ by noise. */
export const STRAGGLER_SHARE = 0.9;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Ranks in rank order with their step rate as a share of the fastest one, and the slowest marked when it lags the
 * median by more than noise. Rates that are not finite or negative count as unknown.
 */
export function rankRates(ranks: readonly RankLike[]): RankRate[] {
  const rate = (r: RankLike): number | null => (typeof r.stepRate === 'number' && Number.isFinite(r.stepRate) && r.stepRate >= 0 ? r.stepRate : null);
  const known = ranks.map(rate).filter((v): v is number => v !== null);
  const fastest = known.length ? Math.max(...known) : 0;
  let slowestRank: number | undefined;
  if (known.length >= 2) {
    const min = Math.min(...known);
    if (min < median(known) * STRAGGLER_SHARE || (min === 0 && fastest > 0)) slowestRank = ranks.find((r) => rate(r) === min)?.rank;
  }
  return [...ranks]
    .sort((a, b) => a.rank - b.rank)
    .map((r) => {
      const v = rate(r);
      return {
        rank: r.rank,
        host: r.host,
        status: r.status,
        lastStep: r.lastStep,
        stepRate: v,
        fraction: v !== null && fastest > 0 ? v / fastest : null,
        slowest: r.rank === slowestRank,
      };
    });
}

/** `12.3 steps/s`, `0.25 steps/s`, `—` when unknown. */
export function formatStepRate(rate: number | null): string {
  if (rate === null || !Number.isFinite(rate)) return '—';
  const digits = rate >= 100 ? 0 : rate >= 10 ? 1 : 2;
  return `${rate.toFixed(digits)} steps/s`;
}

export interface ChartGroup {
  /** Keys with the same id are drawn under one heading. */
  id: string;
  title: string;
}

/** How a host appears inside a series key (the store replaces `/` and white space, which would split the key). */
export function hostInKey(host: string): string {
  return host.replace(/[/\s]+/g, '_');
}

/**
 * The heading a metric's chart goes under: its prefix before the first `/` (`metrics` for bare keys). For a job on
 * several hosts, `system/<host>/<key>` goes under that host's heading and rank 0's own `system/<key>` under the
 * first host's (hosts are in rank order, so that is rank 0's).
 */
export function chartGroup(key: string, hosts: readonly string[] = []): ChartGroup {
  const i = key.indexOf('/');
  const prefix = i > 0 ? key.slice(0, i) : 'metrics';
  if (prefix !== 'system') return { id: prefix, title: prefix };
  const rest = key.slice(i + 1);
  const j = rest.indexOf('/');
  const host = j > 0 ? hosts.find((h) => hostInKey(h) === rest.slice(0, j)) : undefined;
  if (host !== undefined) return { id: `system/${host}`, title: `System · ${host}` };
  return { id: 'system', title: hosts.length > 1 ? `System · ${hosts[0]}` : 'System' };
}

/** Keys reordered so each group's charts are together, groups in the order they first appear (stable). */
export function groupKeys(keys: readonly string[], hosts: readonly string[] = []): string[] {
  const order = new Map<string, number>();
  for (const k of keys) {
    const id = chartGroup(k, hosts).id;
    if (!order.has(id)) order.set(id, order.size);
  }
  return keys
    .map((k, i) => ({ k, i, g: order.get(chartGroup(k, hosts).id)! }))
    .sort((a, b) => a.g - b.g || a.i - b.i)
    .map((x) => x.k);
}
