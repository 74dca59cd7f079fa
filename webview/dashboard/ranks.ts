// The dashboard's Ranks section for a distributed run: steps per second of every rank as a bar, the slowest one
// (a straggler) highlighted, and which rank on which host crashed. Hosts are log text: text nodes only.
import '@vscode-elements/elements/dist/vscode-badge/index.js';
import type { RunView } from '../../src/protocol/common';
import { formatStepRate, rankRates } from '../../src/shared/ranks';
import { h } from '../shared/dom';

/** The section's content for this run, or null for a single-process run (the section is then hidden). */
export function ranksSection(run: RunView): HTMLElement | null {
  const ranks = run.ranks ?? [];
  if (ranks.length < 2) return null;
  const hosts = run.hosts?.length ? run.hosts : [...new Set(ranks.map((r) => r.host))];
  const rates = rankRates(ranks);
  const slowest = rates.find((r) => r.slowest);
  const crash = run.status === 'crashed' && run.crashedRank
    ? h('p', { class: 'rank-crash', role: 'alert' }, `Rank ${run.crashedRank.rank} on ${run.crashedRank.host} crashed.`)
    : null;
  const rows = rates.map((r) => {
    const bar = h('span', { class: 'rate-bar', 'aria-hidden': 'true' });
    // Width through the CSSOM, which the CSP allows (no inline style attribute).
    bar.style.setProperty('--fraction', String(r.fraction ?? 0));
    return h(
      'tr',
      { class: r.slowest ? 'slowest' : undefined, 'data-rank': r.rank },
      h('th', { scope: 'row', class: 'num' }, String(r.rank)),
      h('td', {}, r.host),
      h('td', {}, h('span', { class: `status status-${r.status}` }, r.status)),
      h('td', { class: 'num' }, r.lastStep === null ? '' : String(r.lastStep)),
      h('td', { class: 'rate' }, h('span', { class: 'rate-track' }, bar), h('span', { class: 'rate-text' }, formatStepRate(r.stepRate)), r.slowest ? h('vscode-badge', { variant: 'counter', class: 'slowest-badge' }, 'slowest') : null),
    );
  });
  return h(
    'div',
    { class: 'ranks' },
    crash,
    h('p', { class: 'meta' }, `${ranks.length} ranks on ${hosts.length} host${hosts.length === 1 ? '' : 's'}: ${hosts.join(', ')}`, slowest ? ` · slowest: rank ${slowest.rank} on ${slowest.host}` : ''),
    h(
      'table',
      { class: 'kv rank-rates' },
      h('caption', { class: 'visually-hidden' }, 'Step rate per rank'),
      h('thead', {}, h('tr', {}, ...['Rank', 'Host', 'Status', 'Step', 'Steps/s'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, ...rows),
    ),
  );
}
