// A distributed run's ranks in the Runs view: the "3 ranks" note on its row, which rank on which host crashed,
// and one row per rank under the Ranks section. Host names and rank errors come from logs: clamped, escaped.
import { escapeMarkdown } from '../../core/text';
import { formatStepRate, rankRates } from '../../shared/ranks';
import type { RunStatus, RunSummary } from '../../store/types';
import { clamp, formatCount } from './rowText';
import type { Icon, Row } from './present';

type RanksOf = Pick<RunSummary, 'id' | 'ranks' | 'hosts' | 'crashedRank' | 'status'>;

const HOST_MAX = 60;
const TOOLTIP_RANKS = 16;

/** True for a run of more than one process (single-process runs have no `ranks`). */
export function isMultiRank(run: RanksOf): boolean {
  return (run.ranks?.length ?? 0) > 1;
}

/** The hosts a run spans, from `hosts` or else its ranks. */
export function hostsOf(run: RanksOf): string[] {
  if (run.hosts?.length) return run.hosts;
  return [...new Set((run.ranks ?? []).map((r) => r.host))];
}

/** `rank 2 on node-b`, for the crashed rank of a crashed run. */
export function crashedText(run: RanksOf): string | undefined {
  if (run.status !== 'crashed' || !run.crashedRank) return undefined;
  return `rank ${run.crashedRank.rank} on ${clamp(run.crashedRank.host, HOST_MAX)} crashed`;
}

/** `3 ranks` or `3 ranks on 2 hosts`, for the run row. */
export function ranksText(run: RanksOf): string | undefined {
  if (!isMultiRank(run)) return undefined;
  const hosts = hostsOf(run).length;
  return `${run.ranks!.length} ranks${hosts > 1 ? ` on ${hosts} hosts` : ''}`;
}

/** Tooltip lines: the crash, the hosts, and a table of the ranks (the first few of a large job). */
export function ranksTooltip(run: RanksOf): string[] {
  if (!isMultiRank(run)) return [];
  const lines: string[] = [];
  const crash = crashedText(run);
  if (crash) lines.push('', `**${escapeMarkdown(crash[0]!.toUpperCase() + crash.slice(1))}**`);
  lines.push('', `${run.ranks!.length} ranks on ${hostsOf(run).map((h) => escapeMarkdown(clamp(h, HOST_MAX))).join(', ')}`);
  lines.push('', '| rank | host | status | step | steps/s |', '|---:|---|---|---:|---:|');
  const rates = rankRates(run.ranks!);
  for (const r of rates.slice(0, TOOLTIP_RANKS)) {
    const rate = escapeMarkdown(formatStepRate(r.stepRate)) + (r.slowest ? ' (slowest)' : '');
    lines.push(`| ${r.rank} | ${escapeMarkdown(clamp(r.host, HOST_MAX))} | ${escapeMarkdown(r.status)} | ${r.lastStep === null ? '' : formatCount(r.lastStep)} | ${rate} |`);
  }
  if (rates.length > TOOLTIP_RANKS) lines.push(`| … ${rates.length - TOOLTIP_RANKS} more | | | | |`);
  return lines;
}

/** The Ranks section under a multi-rank run: open, since the ranks are what such a run is about. */
export function ranksSection(run: RanksOf): Row | undefined {
  if (!isMultiRank(run)) return undefined;
  const hosts = hostsOf(run);
  return {
    id: `run:${run.id}/ranks`,
    label: 'Ranks',
    description: clamp(`${run.ranks!.length} on ${hosts.join(', ')}`, 120),
    icon: { id: 'server' },
    contextValue: 'section ranks',
    collapsible: 'expanded',
  };
}

/**
 * One row per rank: `rank 2`, `node-b · step 1,200 · 4.10 steps/s · slowest`, its status icon. `slowest` only
 * while it runs: a rank that stopped is told by its status instead.
 */
export function rankRows(run: RanksOf, icons: Record<RunStatus, Icon>): Row[] {
  const byRank = new Map((run.ranks ?? []).map((r) => [r.rank, r]));
  return rankRates(run.ranks ?? []).map((r) => {
    const full = byRank.get(r.rank)!;
    const status = (full.status in icons ? full.status : 'running') as RunStatus;
    const parts = [clamp(r.host, HOST_MAX)];
    if (r.lastStep !== null) parts.push(`step ${formatCount(r.lastStep)}`);
    if (r.stepRate !== null) parts.push(formatStepRate(r.stepRate));
    if (r.slowest && status === 'running') parts.push('slowest');
    if (status !== 'running') parts.push(status);
    const crashed = run.crashedRank?.rank === r.rank;
    const tooltip = [
      `**Rank ${r.rank}** on ${escapeMarkdown(clamp(r.host, 200))}${full.pid !== null ? ` · pid ${full.pid}` : ''}`,
      '',
      `${escapeMarkdown(status)}${crashed ? ' (this rank made the run crash)' : ''}${r.lastStep !== null ? ` · step ${r.lastStep}` : ''} · ${escapeMarkdown(formatStepRate(r.stepRate))}${r.slowest ? ' (slowest rank)' : ''}`,
    ];
    if (full.error) tooltip.push('', `**Error:** ${escapeMarkdown(clamp(full.error, 300))}`);
    return {
      id: `run:${run.id}/ranks/${r.rank}`,
      label: `rank ${r.rank}`,
      description: parts.join(' · '),
      tooltip: tooltip.join('\n'),
      icon: icons[status],
      contextValue: 'detail rank',
      collapsible: 'none',
      copyText: r.host,
    };
  });
}
