// The compare view's tables: metric summary (best marked, deltas against a baseline) and params diff.
import type { RunView } from '../../src/protocol/common';
import type { CompareData } from '../../src/protocol/compare';
import type { MetricSummaryRow } from '../../src/shared/summary';
import { formatDelta, formatNumber, formatParam } from '../../src/shared/format';
import { sameCell } from '../../src/shared/params';
import { post } from './channel';
import { h, linkButton, swatch } from '../shared/dom';

function runHead(r: RunView, removable: boolean): HTMLElement {
  return h(
    'th',
    { scope: 'col' },
    h(
      'span',
      { class: 'runhead' },
      swatch(r.color),
      linkButton(r.name, () => post({ type: 'openRun', runId: r.id }), { title: `Open the dashboard of ${r.id}` }),
      removable ? linkButton('×', () => post({ type: 'removeRun', runId: r.id }), { class: 'link remove', 'aria-label': `Remove ${r.name} from the comparison`, title: 'Remove from the comparison' }) : null,
    ),
  );
}

export function metricsTable(runs: RunView[], rows: MetricSummaryRow[], baseline: string | undefined): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'empty' }, 'No metrics logged.');
  const baseIndex = runs.findIndex((r) => r.id === baseline);
  const body = rows.map((row) =>
    h(
      'tr',
      { 'data-key': row.key },
      h(
        'th',
        { scope: 'row' },
        row.key,
        row.goal === 'none' ? null : h('span', { class: 'meta', title: row.goal === 'min' ? 'Lower is better' : 'Higher is better' }, row.goal === 'min' ? ' ↓' : ' ↑'),
      ),
      ...row.cells.map((cell, i) => {
        if (!cell) return h('td', { class: 'num' }, '—');
        const best = i === row.bestIndex;
        const cls = ['num', best ? 'best' : '', i === baseIndex ? 'baseline' : ''].filter(Boolean).join(' ');
        const delta =
          cell.delta !== undefined && i !== baseIndex
            ? h('span', { class: `delta ${cell.delta === 0 || row.goal === 'none' ? '' : (row.goal === 'min') === cell.delta < 0 ? 'better' : 'worse'}` }, `Δ ${formatDelta(cell.delta)}`)
            : null;
        return h(
          'td',
          { class: cls, 'data-best': best ? 'true' : undefined, title: `last ${formatNumber(cell.last)} at step ${cell.lastStep}` },
          best ? h('span', { class: 'mark', 'aria-label': 'best' }, '★ ') : null,
          formatNumber(cell.best),
          h('span', { class: 'delta' }, `last ${formatNumber(cell.last)}`),
          delta,
        );
      }),
    ),
  );
  return h(
    'table',
    { class: 'metrics' },
    h('caption', { class: 'visually-hidden' }, 'Best value per metric and run; ★ marks the best run; deltas are against the baseline run'),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Metric: best, last'), ...runs.map((r) => runHead(r, runs.length > 1)))),
    h('tbody', {}, ...body),
  );
}

export function paramsTable(data: CompareData, onlyDifferences: boolean): HTMLElement {
  const runs = data.runs;
  const baseIndex = Math.max(0, runs.findIndex((r) => r.id === data.baseline));
  const params = data.params;
  const rows = onlyDifferences ? params.filter((p) => p.differs) : params;
  if (rows.length === 0) return h('p', { class: 'empty' }, data.params.length ? 'All params are the same in these runs.' : 'No params logged.');
  return h(
    'table',
    { class: 'params' },
    h('caption', { class: 'visually-hidden' }, 'Params per run; highlighted cells differ from the baseline run'),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Param'), ...runs.map((r) => runHead(r, false)))),
    h(
      'tbody',
      {},
      ...rows.map((p) =>
        h(
          'tr',
          { 'data-key': p.key, 'data-differs': p.differs ? 'true' : 'false' },
          h('th', { scope: 'row', class: p.differs ? 'differs' : '' }, p.key),
          ...p.values.map((v, i) => {
            const differs = p.differs && !sameCell(p, i, baseIndex);
            return h('td', { class: differs ? 'differs' : '', 'data-differs': differs ? 'true' : undefined, title: differs ? 'Differs from the baseline' : undefined }, formatParam(v, p.exact?.[i]));
          }),
        ),
      ),
    ),
  );
}
