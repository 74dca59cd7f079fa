// What the Models view shows, as plain rows (no VS Code here, so every label and tooltip is unit-tested): models,
// their versions with alias badges, key metric and file status, and a version's lineage.
import { escapeMarkdown } from '../core/text';
import { formatTime } from '../shared/format';
import type { models, RunStatus } from '../store';
import { clamp, code, valueText } from './text';

export interface Row {
  id: string;
  label: string;
  description?: string;
  /** Markdown, already escaped: render without HTML or trusted links. */
  tooltip?: string;
  icon: { id: string; color?: string };
  contextValue: string;
  collapsible: boolean;
}

export const STATUS_ICON: Record<models.FileState, { id: string; color?: string }> = {
  ok: { id: 'package' },
  changed: { id: 'warning', color: 'problemsWarningIcon.foreground' },
  missing: { id: 'error', color: 'testing.iconFailed' },
};

const LOWER_IS_BETTER = /loss|err|perplexity|ppl|mse|mae|rmse|wer|cer|nll|fid/i;
const GOOD = /acc|f1|auc|precision|recall|score|bleu|rouge|map|iou/i;

/**
 * The metric a version is known by: the key `trackside.primaryMetric` names for its project, else the first
 * accuracy-like then loss-like key of its summary, then of its last metric values.
 */
export function keyMetric(v: models.ModelVersionRecord, setting: unknown): { key: string; value: string } | undefined {
  const named = typeof setting === 'string' ? setting : setting && typeof setting === 'object' ? ((setting as Record<string, unknown>)[v.project ?? ''] ?? (setting as Record<string, unknown>)['*']) : undefined;
  const key = typeof named === 'string' ? named : named && typeof named === 'object' && typeof (named as { key?: unknown }).key === 'string' ? (named as { key: string }).key : undefined;
  const pools = [v.summary, v.metrics];
  if (key !== undefined) for (const pool of pools) if (Object.hasOwn(pool, key)) return { key, value: valueText(pool[key]!) };
  for (const re of [GOOD, LOWER_IS_BETTER]) {
    for (const pool of pools) {
      const hit = Object.keys(pool).find((k) => re.test(k) && !k.startsWith('system/') && typeof pool[k] === 'number');
      if (hit !== undefined) return { key: hit, value: valueText(pool[hit]!) };
    }
  }
  return undefined;
}

export function modelRow(root: string, m: models.ModelInfo): Row {
  const latest = m.versions[m.versions.length - 1];
  const aliases = Object.entries(m.aliases).map(([a, n]) => `${a}→v${n}`);
  const tooltip = [`**Model** ${code(m.name)}`, '', `${m.versions.length} version${m.versions.length === 1 ? '' : 's'}${latest ? `, latest v${latest.version}` : ''}`];
  if (aliases.length) tooltip.push('', `Aliases: ${aliases.map((a) => code(a)).join(' ')}`);
  if (m.problems.length) tooltip.push('', `${m.problems.length} unreadable entr${m.problems.length === 1 ? 'y' : 'ies'}: ${m.problems.slice(0, 3).map((p) => code(`${p.file}${p.line ? `:${p.line}` : ''} ${p.reason}`)).join(' ')}`);
  return {
    id: `model:${root}\u0000${m.name}`,
    label: m.name,
    description: [`${m.versions.length} version${m.versions.length === 1 ? '' : 's'}`, ...aliases].join(' · '),
    tooltip: tooltip.join('\n'),
    icon: { id: 'library' },
    contextValue: 'model',
    collapsible: true,
  };
}

export function versionRow(root: string, v: models.ModelVersion, status: models.FileStatus | undefined, setting: unknown): Row {
  const metric = keyMetric(v, setting);
  const state = status?.state;
  // A file that is not what was registered comes first, where a narrow view still shows it.
  const parts = [state === undefined ? 'checking…' : state === 'ok' ? '' : `file ${state}`, ...v.aliases.map((a) => `@${a}`)];
  if (metric) parts.push(`${clamp(metric.key, 40)} ${clamp(metric.value, 20)}`);
  const tooltip = [
    `**${escapeMarkdown(v.name)} v${v.version}**${v.aliases.length ? ` ${v.aliases.map((a) => code(a)).join(' ')}` : ''}`,
    '',
    `Run ${code(v.run)}${v.runName && v.runName !== v.run ? ` (${code(v.runName, 80)})` : ''} · registered ${escapeMarkdown(formatTime(v.ts * 1000))}${v.by ? ` by ${code(v.by, 60)}` : ''}`,
    '',
    `File ${code(v.file, 300)}: ${state ?? 'checking'}${status?.reason ? ` (${code(status.reason, 300)})` : ''}`,
    '',
    `sha256 ${code(v.sha256)}`,
  ];
  if (v.description) tooltip.push('', code(v.description, 300));
  return {
    id: `version:${root}\u0000${v.name}\u0000${v.version}`,
    label: `v${v.version}`,
    description: clamp(parts.filter(Boolean).join(' · '), 160),
    tooltip: tooltip.join('\n'),
    icon: STATUS_ICON[state ?? 'ok'],
    contextValue: `modelVersion ${state ?? 'unknown'}${v.aliases.length ? ' aliased' : ''}`,
    collapsible: true,
  };
}

export interface LineageRow extends Row {
  /** The run a row names, for Reveal Run. */
  runId?: string;
}

const RUN_ICON: Record<RunStatus, string> = { running: 'sync', finished: 'pass', failed: 'error', killed: 'circle-slash', crashed: 'warning' };

/** Under a version: its run, the runs that run was started from, the commit, the file. */
export function lineageRows(root: string, v: models.ModelVersion, chain: models.Lineage, status: models.FileStatus | undefined): LineageRow[] {
  const id = `version:${root}\u0000${v.name}\u0000${v.version}`;
  const rows: LineageRow[] = chain.runs.map((step, i) => ({
    id: `${id}/run:${step.runId}`,
    label: `${i === 0 ? 'Run' : 'From run'} ${clamp(step.run?.name ?? v.runName ?? step.runId, 80)}`,
    description: step.run ? `${step.run.status} · ${step.runId}` : `${step.runId} · not in the index`,
    tooltip: `${i === 0 ? 'The run that produced this version' : 'A run the run above was started from'}: ${code(step.runId)}`,
    icon: { id: step.run ? RUN_ICON[step.run.status] : 'question' },
    contextValue: step.run ? 'modelLineageRun' : 'modelLineageGone',
    collapsible: false,
    runId: step.runId,
  }));
  if (chain.commit) rows.push({ id: `${id}/commit`, label: `Commit ${chain.commit.slice(0, 10)}`, description: chain.dirty ? 'dirty: uncommitted changes at the start' : undefined, tooltip: code(chain.commit), icon: { id: 'git-commit' }, contextValue: 'modelCommit', collapsible: false });
  rows.push({
    id: `${id}/file`,
    label: clamp(v.file.split('/').pop() ?? v.file, 80),
    description: `${status?.state ?? 'checking'}${v.copied ? ' · copy' : ''}`,
    tooltip: `${code(v.file, 300)}${status?.reason ? `\n\n${code(status.reason, 300)}` : ''}`,
    icon: STATUS_ICON[status?.state ?? 'ok'],
    contextValue: `modelFile ${status?.state ?? 'unknown'}`,
    collapsible: false,
  });
  return rows;
}
