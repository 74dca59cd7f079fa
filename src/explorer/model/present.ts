// The explorer's presentation layer: runs in, plain row descriptions out (label, description, tooltip Markdown,
// codicon, context value). No VS Code here, so every row the user can see is unit-tested; the tree provider only
// maps these objects onto TreeItems.
import { SOURCE_LABELS } from '../../shared/sources';
import type { ArtifactInfo, RunDetail, RunStatus } from '../../store/types';
import { durationMs } from '../filter/evaluate';
import { Commands } from '../../core/commands';
import type { GroupDecoration } from '../../core/runGroups';
import { joinInside } from '../../core/paths';
import { escapeMarkdown } from '../../core/text';
import { commandLine, runnableCommand } from '../../shared/commandLine';
import { compareParamKeys } from '../../shared/params';
import { exactDigits, formatDelta, formatDuration, formatNumber, formatParam, formatTime } from '../../shared/format';
import { clamp, codeSpan, formatAgo, formatBytes, formatCount } from './rowText';
import type { RunGroup, ProjectBucket } from './group';
import { isBetter, primaryValue, type Best, type PrimaryMetric } from './primaryMetric';
import type { ExplorerRun } from './run';
import { crashedText, ranksSection, ranksText, ranksTooltip } from './ranks';

export interface Icon {
  id: string;
  /** A theme color id, e.g. `testing.iconPassed`. */
  color?: string;
}

export type RowAction =
  /** `root` and `relative` go to the open command, which checks containment on disk (symlinks) before opening. */
  | { kind: 'openFile'; path: string; root: string; relative: string }
  | { kind: 'command'; command: string; title: string; args: unknown[] };

export type SectionKind = 'params' | 'metrics' | 'artifacts' | 'environment' | 'packages' | 'notes' | 'children' | 'error' | 'ranks';

export interface Row {
  /** Stable across refreshes, so VS Code keeps expansion and selection. */
  id: string;
  label: string;
  description?: string;
  /** Markdown source, already escaped; render with HTML and command links disabled. */
  tooltip?: string;
  icon?: Icon;
  contextValue: string;
  collapsible: 'none' | 'collapsed' | 'expanded';
  action?: RowAction;
  /** Text the "copy" command puts on the clipboard for this row. */
  copyText?: string;
}

export interface RunContext {
  now: number;
  primary?: PrimaryMetric;
  best?: Best;
  /** Number of child runs shown under this run. */
  childCount?: number;
}

export const STATUS_ICONS: Record<RunStatus, Icon> = {
  running: { id: 'sync~spin', color: 'charts.blue' },
  finished: { id: 'pass', color: 'testing.iconPassed' },
  failed: { id: 'error', color: 'testing.iconFailed' },
  killed: { id: 'circle-slash', color: 'charts.orange' },
  crashed: { id: 'warning', color: 'problemsWarningIcon.foreground' },
};

const STATUS_WORDS: Record<RunStatus, string> = {
  running: 'Running',
  finished: 'Finished',
  failed: 'Failed',
  killed: 'Killed',
  crashed: 'Crashed (heartbeat stopped without a status)',
};

const TOOLTIP_PARAMS = 12;
const TOOLTIP_METRICS = 8;

export function projectRow(bucket: ProjectBucket, primary: PrimaryMetric | undefined): Row {
  const parts = [`${bucket.count} run${bucket.count === 1 ? '' : 's'}`];
  if (bucket.running) parts.push(`${bucket.running} running`);
  if (primary) parts.push(`${primary.key} ${primary.goal === 'min' ? '↓' : '↑'}`);
  const tooltip = [`**Project ${escapeMarkdown(clamp(bucket.project))}**`, '', parts.map(escapeMarkdown).join(' · ')];
  if (primary) {
    tooltip.push('', `Runs are ranked by ${codeSpan(primary.key)}, ${primary.goal === 'min' ? 'lower' : 'higher'} is better${primary.configured ? '' : ' (guessed; set `trackside.primaryMetric` to choose)'}.`);
  }
  return {
    id: `project:${bucket.project}`,
    label: clamp(bucket.project),
    description: parts.join(' · '),
    tooltip: tooltip.join('\n'),
    icon: { id: 'project' },
    contextValue: 'project',
    collapsible: 'expanded',
  };
}

/** `decoration`: what another feature says about this group (a sweep's progress), replacing the run count. */
export function groupRow(project: string, group: RunGroup, decoration?: GroupDecoration): Row {
  const running = group.runs.filter((r) => r.status === 'running').length;
  const description = decoration?.description ?? `${group.runs.length} run${group.runs.length === 1 ? '' : 's'}${running ? ` · ${running} running` : ''}`;
  return {
    id: `group:${project}\u0000${group.name}`,
    label: clamp(group.name),
    description,
    tooltip: decoration?.tooltip ?? `**Group ${escapeMarkdown(clamp(group.name, 200))}**\n\n${description}`,
    icon: decoration?.icon ?? { id: 'folder-library' },
    contextValue: decoration ? `group ${decoration.contextValue}` : 'group',
    collapsible: 'collapsed',
  };
}

/** What the primary metric says about this run: its value and how it stands against the best. */
export function primaryText(run: ExplorerRun, ctx: RunContext): string | undefined {
  const pm = ctx.primary;
  if (!pm) return undefined;
  const v = primaryValue(run, pm);
  if (v === undefined) return undefined;
  const value = formatNumber(v);
  const best = ctx.best;
  if (!best || !Number.isFinite(v)) return value;
  if (best.runId === run.id) return `${value} · best`;
  // Only a run still training can be "better than the best so far"; one that stopped early just differs.
  if (run.status === 'running' && isBetter(v, best.value, pm.goal)) return `${value} · better than the best so far, ${formatNumber(best.value)}`;
  if (v === best.value) return `${value} · ties the best`;
  return `${value} · ${formatDelta(v - best.value)} vs best`;
}

/** The badge of a run another tool wrote (its source kind, see the store's SOURCE_KINDS). */
export function sourceBadge(run: ExplorerRun): string | undefined {
  const source = run.source;
  if (source === undefined || source === 'trackside') return undefined;
  return SOURCE_LABELS[source] ?? clamp(source, 20);
}

export function runRow(run: ExplorerRun, ctx: RunContext, parentRowId?: string): Row {
  const parts: string[] = [];
  const badge = sourceBadge(run);
  if (badge !== undefined) parts.push(badge);
  if (run.starred) parts.push('★');
  if (run.status === 'running') {
    if (run.sharedAt !== undefined) parts.push(`as of ${formatTime(run.sharedAt)}`);
    parts.push(formatDuration(durationMs(run, ctx.now)));
    if (run.lastStep !== undefined) parts.push(`step ${formatCount(run.lastStep)}`);
  } else if (run.status === 'failed' && run.error?.type) {
    parts.push(clamp(run.error.type, 40));
  } else if (run.status === 'crashed') {
    parts.push(crashedText(run) ?? 'crashed');
  }
  const ranks = ranksText(run);
  if (ranks) parts.push(ranks);
  const primary = primaryText(run, ctx);
  if (primary) parts.push(primary);
  if (run.archived) parts.push('archived');
  if (ctx.childCount) parts.push(`${ctx.childCount} child run${ctx.childCount === 1 ? '' : 's'}`);
  // Listed from its log's head and tail while the first pass reads it: its metrics are not in yet.
  if (run.provisional) parts.push('reading…');
  const flags = ['run', run.status];
  // Explicit opposites, so `when` clauses test a word instead of negating a regex.
  flags.push(run.starred ? 'starred' : 'unstarred', run.archived ? 'archived' : 'unarchived');
  if (run.parent) flags.push('child');
  if (badge !== undefined) flags.push('foreign');
  return {
    id: parentRowId ? `${parentRowId}/run:${run.id}` : `run:${run.id}`,
    label: clamp(run.name || run.id, 200),
    description: parts.join(' · '),
    // The tooltip is built on hover (resolveTreeItem): with 10,000 rows it is most of a row's cost.
    icon: STATUS_ICONS[run.status],
    contextValue: flags.join(' '),
    collapsible: 'collapsed',
    copyText: run.id,
  };
}

export function runTooltip(run: ExplorerRun, ctx: RunContext): string {
  const lines: string[] = [];
  lines.push(`**${escapeMarkdown(clamp(run.name || run.id, 200))}**${run.starred ? ' ★' : ''}`);
  lines.push('');
  const when = run.status === 'running'
    ? `running for ${formatDuration(durationMs(run, ctx.now))}${run.lastStep !== undefined ? `, step ${run.lastStep}` : ''}${run.sharedAt !== undefined ? ` as of ${formatTime(run.sharedAt)}, when it was shared (a fetched run is not followed live)` : ''}`
    : `took ${formatDuration(durationMs(run, ctx.now))}`;
  lines.push(`${escapeMarkdown(STATUS_WORDS[run.status])} · started ${escapeMarkdown(formatTime(run.startTime))} (${escapeMarkdown(formatAgo(run.startTime, ctx.now))}) · ${escapeMarkdown(when)}`);
  lines.push('');
  const meta = [`id ${codeSpan(run.id)}`, `project ${escapeMarkdown(clamp(run.project, 80))}`];
  if (run.group) meta.push(`group ${escapeMarkdown(clamp(run.group, 80))}`);
  if (run.gitCommit) meta.push(`commit ${codeSpan(run.gitCommit.slice(0, 10))}${run.gitDirty ? ' (dirty)' : ''}`);
  lines.push(meta.join(' · '));
  if (run.provisional) lines.push('', '*Metrics still being read: this row comes from the start and end of its log.*');
  const badge = sourceBadge(run);
  if (badge !== undefined) {
    // Where it came from, and where the user's edits of it go: never beside the other tool's files.
    lines.push('', `Written by ${escapeMarkdown(badge)}, read in place from ${codeSpan(clamp(run.dir, 300))}. ${run.editsDir !== undefined ? 'Renames, tags, notes and stars are kept by Trackside; Delete only hides it.' : 'Read-only: no run folder to keep edits in.'}`);
  }
  if (run.error && (run.error.type || run.error.message)) {
    lines.push('', `**Error:** ${escapeMarkdown(clamp([run.error.type, run.error.message].filter(Boolean).join(': '), 300))}`);
  }
  lines.push(...ranksTooltip(run));
  if (ctx.primary) {
    const p = primaryText(run, ctx);
    if (p) lines.push('', `**${escapeMarkdown(ctx.primary.key)}** ${escapeMarkdown(p)} (${ctx.primary.goal === 'min' ? 'lower' : 'higher'} is better)`);
  }
  const metricKeys = Object.keys(run.metrics).filter((k) => !k.startsWith('system/')).sort();
  if (metricKeys.length) {
    lines.push('', '| metric | last | min | max |', '|---|---:|---:|---:|');
    for (const k of metricKeys.slice(0, TOOLTIP_METRICS)) {
      const m = run.metrics[k]!;
      lines.push(`| ${escapeMarkdown(clamp(k, 60))} | ${escapeMarkdown(formatNumber(m.last))} | ${escapeMarkdown(formatNumber(m.min))} | ${escapeMarkdown(formatNumber(m.max))} |`);
    }
    if (metricKeys.length > TOOLTIP_METRICS) lines.push(`| … ${metricKeys.length - TOOLTIP_METRICS} more | | | |`);
  }
  const paramKeys = Object.keys(run.params).sort(compareParamKeys);
  if (paramKeys.length) {
    lines.push('', '| param | value |', '|---|---|');
    for (const k of paramKeys.slice(0, TOOLTIP_PARAMS)) {
      lines.push(`| ${escapeMarkdown(clamp(k, 60))} | ${escapeMarkdown(clamp(formatParam(run.params[k], exactDigits(run.exactInts?.params, k)), 60))} |`);
    }
    if (paramKeys.length > TOOLTIP_PARAMS) lines.push(`| … ${paramKeys.length - TOOLTIP_PARAMS} more | |`);
  }
  if (run.tags.length) lines.push('', `Tags: ${run.tags.map((t) => codeSpan(clamp(t, 40))).join(' ')}`);
  if (run.notes) lines.push('', escapeMarkdown(clamp(run.notes, 400)));
  return lines.join('\n');
}

function section(runId: string, kind: SectionKind, label: string, icon: string, description?: string, collapsible: Row['collapsible'] = 'collapsed'): Row {
  return { id: `run:${runId}/${kind}`, label, description, icon: { id: icon }, contextValue: `section ${kind}`, collapsible };
}

/** The sections under a run, in the order people look for them. */
export function runSections(detail: RunDetail, childCount: number): Row[] {
  const id = detail.id;
  const rows: Row[] = [];
  if (detail.error && (detail.error.type || detail.error.message || detail.error.traceback)) {
    rows.push(section(id, 'error', 'Error', 'error', clamp([detail.error.type, detail.error.message].filter(Boolean).join(': '), 80)));
  }
  const ranks = ranksSection(detail);
  if (ranks) rows.push(ranks);
  if (childCount) rows.push(section(id, 'children', 'Child Runs', 'type-hierarchy-sub', String(childCount), 'expanded'));
  rows.push(section(id, 'params', 'Params', 'symbol-parameter', String(Object.keys(detail.params).length)));
  rows.push(section(id, 'metrics', 'Metrics', 'graph-line', String(Object.keys(detail.metrics).length)));
  if (detail.artifacts.length) rows.push(section(id, 'artifacts', 'Artifacts', 'files', String(detail.artifacts.length)));
  rows.push(section(id, 'environment', 'Environment', 'server-environment', detail.gitCommit ? detail.gitCommit.slice(0, 7) : undefined));
  const notes = [detail.tags.length ? `${detail.tags.length} tag${detail.tags.length === 1 ? '' : 's'}` : '', detail.notes ? 'notes' : ''].filter(Boolean).join(', ');
  rows.push(section(id, 'notes', 'Notes and Tags', 'note', notes || undefined));
  return rows;
}

function leaf(id: string, label: string, description: string | undefined, icon: string, extra: Partial<Row> = {}): Row {
  return { id, label: clamp(label, 200), description: description === undefined ? undefined : clamp(description, 200), icon: { id: icon }, contextValue: 'detail', collapsible: 'none', ...extra };
}

export function paramRows(detail: RunDetail): Row[] {
  return Object.keys(detail.params).sort(compareParamKeys).map((k) => {
    const value = formatParam(detail.params[k], exactDigits(detail.exactInts?.params, k));
    const overridden = k in detail.overrides;
    return leaf(`run:${detail.id}/params/${k}`, k, overridden ? `${value} (override)` : value, overridden ? 'edit' : 'symbol-field', {
      tooltip: `${codeSpan(clamp(k, 200))} = ${codeSpan(clamp(value, 2000))}${overridden ? '\n\nSet by an override (`TRACKSIDE_CONFIG_OVERRIDES`).' : ''}`,
      copyText: `${k}=${value}`,
    });
  });
}

export function metricRows(detail: RunDetail, primary: PrimaryMetric | undefined): Row[] {
  const keys = Object.keys(detail.metrics).sort((a, b) => Number(a.startsWith('system/')) - Number(b.startsWith('system/')) || a.localeCompare(b));
  return keys.map((k) => {
    const m = detail.metrics[k]!;
    const best = primary?.key === k ? (primary.goal === 'min' ? m.min : m.max) : undefined;
    const parts = [`last ${formatNumber(m.last)}`];
    if (best !== undefined) parts.push(`best ${formatNumber(best)}`);
    else parts.push(`min ${formatNumber(m.min)}`, `max ${formatNumber(m.max)}`);
    parts.push(`${formatCount(m.count)} pt${m.count === 1 ? '' : 's'}`);
    return leaf(`run:${detail.id}/metrics/${k}`, k, parts.join(' · '), primary?.key === k ? 'target' : k.startsWith('system/') ? 'pulse' : 'graph-line', {
      tooltip: `${codeSpan(clamp(k, 200))}${primary?.key === k ? ' (primary metric)' : ''}\n\nlast ${escapeMarkdown(formatNumber(m.last))} at step ${m.lastStep} · min ${escapeMarkdown(formatNumber(m.min))} · max ${escapeMarkdown(formatNumber(m.max))} · ${m.count} points`,
      action: { kind: 'command', command: Commands.openRun, title: 'Open Run', args: [detail.id] },
      copyText: `${k}=${m.last}`,
    });
  });
}

const IMAGE = /\.(png|jpe?g|gif|webp|bmp|svg|ico)$/i;

function artifactIcon(a: ArtifactInfo): string {
  if (a.kind === 'image' || IMAGE.test(a.path)) return 'file-media';
  if (a.kind === 'model') return 'package';
  if (a.kind === 'diff' || a.path.endsWith('.diff') || a.path.endsWith('.patch')) return 'diff';
  return 'file';
}

/** Joins a run folder and a relative artifact path, refusing paths that climb out of the run folder. */
export function artifactPath(runDir: string, rel: string): string | undefined {
  return joinInside(runDir, rel);
}

export function artifactRows(detail: RunDetail): Row[] {
  return detail.artifacts.map((a) => {
    const path = artifactPath(detail.dir, a.path);
    const description = [a.kind, formatBytes(a.size)].filter(Boolean).join(' · ');
    return leaf(`run:${detail.id}/artifacts/${a.path}`, a.path, path ? description : 'outside the run folder: not opened', artifactIcon(a), {
      tooltip: `${codeSpan(clamp(a.path, 400))}${a.sha256 ? `\n\nsha256 ${codeSpan(a.sha256.slice(0, 64))}` : ''}`,
      action: path ? { kind: 'openFile', path, root: detail.dir, relative: a.path } : undefined,
      contextValue: path ? 'detail artifact' : 'detail',
      copyText: path ?? a.path,
    });
  });
}

export function environmentRows(detail: RunDetail): Row[] {
  const id = `run:${detail.id}/environment`;
  const env = detail.env ?? {};
  const rows: Row[] = [];
  const git = env.git;
  if (git?.commit || detail.gitCommit) {
    const commit = git?.commit ?? detail.gitCommit!;
    const desc = [git?.branch, git?.dirty ?? detail.gitDirty ? 'dirty' : undefined].filter(Boolean).join(' · ');
    rows.push(leaf(`${id}/commit`, `Commit ${commit.slice(0, 10)}`, desc || undefined, 'git-commit', { copyText: commit, tooltip: `${codeSpan(commit)}${git?.remote ? `\n\n${escapeMarkdown(clamp(git.remote, 300))}` : ''}` }));
  }
  if (git?.diffArtifact) {
    const path = artifactPath(detail.dir, git.diffArtifact);
    if (path) rows.push(leaf(`${id}/diff`, 'Open Recorded Diff', 'uncommitted changes at start', 'diff', { action: { kind: 'openFile', path, root: detail.dir, relative: git.diffArtifact }, copyText: path }));
  }
  if (env.python?.version) rows.push(leaf(`${id}/python`, `Python ${env.python.version}`, env.python.executable ?? detail.executable, 'symbol-namespace', { copyText: env.python.executable ?? env.python.version }));
  const packages = env.packages ? Object.keys(env.packages).length : 0;
  if (packages) rows.push({ ...section(detail.id, 'packages', 'Packages', 'package', String(packages)), id: `${id}/packages` });
  if (env.hostname) rows.push(leaf(`${id}/host`, 'Host', String(env.hostname), 'vm', { copyText: String(env.hostname) }));
  if (env.os) rows.push(leaf(`${id}/os`, 'OS', String(env.os), 'device-desktop'));
  if (env.seed !== undefined && env.seed !== null) {
    const seed = detail.exactInts?.seed ?? String(env.seed);
    rows.push(leaf(`${id}/seed`, 'Seed', seed, 'symbol-number', { copyText: seed }));
  }
  if (Array.isArray(env.gpu) && env.gpu.length) {
    const names = env.gpu.map((g) => (g && typeof g === 'object' && typeof (g as { name?: unknown }).name === 'string' ? (g as { name: string }).name : 'GPU'));
    rows.push(leaf(`${id}/gpu`, env.gpu.length === 1 ? 'GPU' : `GPUs (${env.gpu.length})`, names.join(', '), 'chip'));
  }
  if (detail.argv.length) {
    // The dashboard header's line. A logged argument like `$(curl x|sh)` must stay one argument when the copied
    // line is pasted into a shell; a command no shell can pass (a NUL) is shown but offers nothing to copy.
    const shown = commandLine(detail.executable, detail.argv);
    rows.push(leaf(`${id}/argv`, 'Command', shown, 'terminal', { copyText: runnableCommand(detail.executable, detail.argv), tooltip: codeSpan(clamp(shown, 2000)) }));
  }
  if (detail.cwd) rows.push(leaf(`${id}/cwd`, 'Working Directory', detail.cwd, 'folder', { copyText: detail.cwd }));
  rows.push(leaf(`${id}/dir`, 'Log Folder', detail.dir, 'folder-opened', { copyText: detail.dir }));
  return rows;
}

export function packageRows(detail: RunDetail): Row[] {
  const pkgs = detail.env?.packages ?? {};
  return Object.keys(pkgs).sort((a, b) => a.localeCompare(b)).map((name) =>
    leaf(`run:${detail.id}/environment/packages/${name}`, name, String(pkgs[name]), 'package', { copyText: `${name}==${pkgs[name]}` }),
  );
}

export function notesRows(detail: ExplorerRun): Row[] {
  const id = `run:${detail.id}/notes`;
  const rows: Row[] = detail.tags.map((t) => leaf(`${id}/tag/${t}`, t, undefined, 'tag', { contextValue: 'detail tag', copyText: t }));
  const edit = (title: string, command: string): RowAction => ({ kind: 'command', command, title, args: [detail.id] });
  if (!detail.tags.length) rows.push(leaf(`${id}/tags-empty`, 'Add tags…', undefined, 'tag', { action: edit('Edit Tags', Commands.editTags) }));
  rows.push(
    detail.notes
      ? leaf(`${id}/notes`, clamp(detail.notes, 120), undefined, 'note', { tooltip: escapeMarkdown(clamp(detail.notes, 4000)), action: edit('Edit Notes', Commands.editNotes), copyText: detail.notes })
      : leaf(`${id}/notes-empty`, 'Add notes…', undefined, 'note', { action: edit('Edit Notes', Commands.editNotes) }),
  );
  return rows;
}

export function errorRows(detail: RunDetail): Row[] {
  const e = detail.error ?? {};
  const id = `run:${detail.id}/error`;
  const rows: Row[] = [];
  if (e.type || e.message) rows.push(leaf(`${id}/message`, clamp([e.type, e.message].filter(Boolean).join(': '), 200), undefined, 'error', { tooltip: escapeMarkdown(clamp([e.type, e.message].filter(Boolean).join(': '), 4000)), copyText: [e.type, e.message].filter(Boolean).join(': ') }));
  if (detail.exitCode !== undefined) rows.push(leaf(`${id}/exit`, 'Exit code', String(detail.exitCode), 'symbol-number'));
  if (e.traceback) {
    const last = e.traceback.trim().split('\n').slice(-3).join(' ⏎ ');
    rows.push(leaf(`${id}/traceback`, 'Traceback', last, 'list-flat', { tooltip: '```text\n' + e.traceback.slice(0, 8000).replace(/```/g, "'''") + '\n```', copyText: e.traceback }));
  }
  return rows;
}
