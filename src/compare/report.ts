// The compare view's exports: one CSV row per run (params, then last and best of every metric) and a markdown
// report (runs, differing params, metric summary with the best marked and deltas against the baseline).
import type { RunView } from '../protocol/common';
import type { ParamRow } from '../shared/params';
import type { MetricSummaryRow } from '../shared/summary';
import { toCsv, type Cell } from './csv';
import { formatDelta, formatDuration, formatNumber, formatParam, formatTime } from '../shared/format';
import { markdownLine } from '../core/text';
import { mdTable } from './markdown';

/** Log text as one literal line of a table cell or paragraph: no link, HTML, emphasis or cell break can form. */
const mdText = (s: string): string => markdownLine(s, Infinity);

/** The part of the webview's run view a report needs, so the compare panel can pass its runs as they are. */
export type ReportRun = Pick<RunView, 'id' | 'name' | 'status' | 'startTime' | 'endTime' | 'lastUpdate' | 'parent' | 'gitCommit' | 'gitDirty'>;

export interface Comparison {
  runs: ReportRun[];
  params: ParamRow[];
  metrics: MetricSummaryRow[];
  baseline?: string;
}

export function comparisonCsv(c: Comparison): string {
  const header: Cell[] = ['run_id', 'name', 'status', 'start_time', 'duration_s', 'git_commit'];
  for (const p of c.params) header.push(`param:${p.key}`);
  for (const m of c.metrics) header.push(`${m.key}:last`, `${m.key}:best`);
  const rows = c.runs.map((r, i) => {
    const end = r.endTime ?? r.lastUpdate;
    const row: Cell[] = [r.id, r.name, r.status, new Date(r.startTime).toISOString(), (end - r.startTime) / 1000, r.gitCommit];
    // Exact digits as text: a spreadsheet may still round them, but the file holds every digit.
    for (const p of c.params) row.push(p.exact?.[i] ?? p.values[i]);
    for (const m of c.metrics) row.push(m.cells[i]?.last, m.cells[i]?.best);
    return row;
  });
  return toCsv([header, ...rows]);
}

export function comparisonMarkdown(c: Comparison, now: number): string {
  const runLabel = (i: number): string => `${mdText(c.runs[i]!.name)}`;
  const baseIndex = c.runs.findIndex((r) => r.id === c.baseline);
  const out: string[] = [];
  out.push(`# Run comparison`, '');
  out.push(`${c.runs.length} runs, generated ${formatTime(now)} by Trackside.` + (baseIndex >= 0 ? ` Baseline: **${runLabel(baseIndex)}**.` : ''), '');
  out.push('## Runs', '');
  out.push(
    mdTable(
      ['Run', 'Id', 'Status', 'Started', 'Duration', 'Commit'],
      c.runs.map((r, i) => [
        runLabel(i),
        `\`${r.id.replace(/`/g, '')}\``,
        mdText(r.status),
        formatTime(r.startTime),
        formatDuration((r.endTime ?? r.lastUpdate) - r.startTime),
        r.gitCommit ? mdText(r.gitCommit.slice(0, 10)) + (r.gitDirty ? ' (dirty)' : '') : '—',
      ]),
    ),
    '',
  );
  const differing = c.params.filter((p) => p.differs);
  out.push('## Params that differ', '');
  if (differing.length === 0) out.push('All params are the same.', '');
  else {
    out.push(
      mdTable(
        ['Param', ...c.runs.map((_, i) => runLabel(i))],
        differing.map((p) => [mdText(p.key), ...p.values.map((v, i) => mdText(formatParam(v, p.exact?.[i])))]),
      ),
      '',
    );
  }
  out.push('## Metrics', '');
  if (c.metrics.length === 0) out.push('No metrics were logged.', '');
  else {
    out.push('Best value per run (last value in brackets); **bold** is the best run for the metric' + (baseIndex >= 0 ? ', Δ is against the baseline.' : '.'), '');
    out.push(
      mdTable(
        ['Metric', 'Goal', ...c.runs.map((_, i) => runLabel(i))],
        c.metrics.map((m) => [
          mdText(m.key),
          m.goal === 'min' ? 'lower' : m.goal === 'max' ? 'higher' : '—',
          ...m.cells.map((cell, i) => {
            if (!cell) return '—';
            let s = `${formatNumber(cell.best)} (${formatNumber(cell.last)})`;
            if (i === m.bestIndex) s = `**${s}**`;
            if (cell.delta !== undefined && i !== baseIndex) s += ` Δ ${formatDelta(cell.delta)}`;
            return mdText(s).replace(/\\\*\\\*/g, '**');
          }),
        ]),
      ),
      '',
    );
  }
  return out.join('\n');
}
