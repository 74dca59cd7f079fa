// The sweep node of the Runs view: the group of a sweep's trial runs (their group is the sweep id) says where the
// sweep stands, and its context value offers stop, pause and resume according to its phase.
import type { GroupDecoration, GroupDecorator, GroupOfRuns } from '../core/runGroups';
import { escapeMarkdown } from '../core/text';
import { formatNumber, formatParam } from '../shared/format';
import { asParam, type SweepPhase } from '../sweep/progress';
import type { KnownSweep, SweepBoard } from './sweepBoard';

const ICONS: Record<SweepPhase, { id: string; color?: string }> = {
  running: { id: 'sync~spin', color: 'charts.blue' },
  paused: { id: 'debug-pause', color: 'charts.yellow' },
  interrupted: { id: 'warning', color: 'problemsWarningIcon.foreground' },
  finished: { id: 'beaker', color: 'testing.iconPassed' },
  stopped: { id: 'circle-slash', color: 'charts.orange' },
  failed: { id: 'error', color: 'testing.iconFailed' },
};

/** `3/8 · best 0.0133 · 1 running, 1 pruned, 0 failed · paused` */
export function sweepDescription(s: Pick<KnownSweep, 'phase' | 'progress'>): string {
  const p = s.progress;
  const parts = [`${p.done}/${p.total ?? '?'}`];
  if (p.best) parts.push(`best ${formatNumber(p.best.value)}`);
  parts.push(`${p.running} running, ${p.pruned} pruned, ${p.failed} failed`);
  if (s.phase !== 'running') parts.push(s.phase);
  return parts.join(' · ');
}

export function sweepTooltip(s: KnownSweep): string {
  const r = s.record;
  const lines = [
    `**Sweep ${escapeMarkdown(r.name ?? r.id)}** (${escapeMarkdown(r.method)}, ${escapeMarkdown(r.launcher)})`,
    '',
    escapeMarkdown(sweepDescription(s)),
  ];
  if (r.metric) lines.push('', `Metric: ${escapeMarkdown(r.metric.name)}, ${r.metric.goal === 'maximize' ? 'higher' : 'lower'} is better`);
  const best = s.progress.best;
  if (best) {
    const params = Object.entries(best.params).map(([k, v]) => `${k}=${formatParam(asParam(v))}`).join(', ');
    lines.push('', `Best: trial ${best.n}, ${escapeMarkdown(formatNumber(best.value))} (${escapeMarkdown(params.slice(0, 300))})`);
  }
  if (r.reason) lines.push('', escapeMarkdown(r.reason.slice(0, 300)));
  if (s.phase === 'interrupted') lines.push('', 'Its controller is gone (the window closed?): Resume goes on without relaunching finished trials.');
  lines.push('', `File: ${escapeMarkdown(r.file)}`);
  return lines.join('\n');
}

export class SweepNodes implements GroupDecorator {
  constructor(private readonly board: SweepBoard) {}

  decorate(group: GroupOfRuns): GroupDecoration | undefined {
    const root = group.runs[0]?.root;
    if (!root) return undefined;
    const s = this.board.peek(root, group.name);
    if (!s) return undefined;
    return { description: sweepDescription(s), tooltip: sweepTooltip(s), icon: ICONS[s.phase], contextValue: `sweep sweep-${s.phase}` };
  }
}
