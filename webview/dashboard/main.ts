// The run dashboard: header, metric charts by group, params, summary, artifacts, notes. Live while running. A
// preview dashboard is sent another run's state in the same page: everything of the old run goes (charts, media
// sections and their pending requests, notices, zoom), and late messages about the old run are dropped.
import '../shared/elements';
import '../shared/style.css';
import type { RunView } from '../../src/protocol/common';
import type { DashboardData, DashboardState } from '../../src/protocol/dashboard';
import type { Param } from '../../src/shared/params';
import { DEFAULT_OPTIONS } from '../../src/protocol/common';
import { exactDigits, formatDuration, formatParam, formatTime } from '../../src/shared/format';
import { onHostMessage, post, saveState } from './channel';
import { ChartsSession } from '../shared/chartsSession';
import { h, linkButton, swatch } from '../shared/dom';
import { noticeArea } from '../shared/status';
import { onThemeChange } from '../shared/theme';
import { ranksSection } from './ranks';
import { MediaView } from '../shared/media';

const app = document.getElementById('app')!;
const notices = noticeArea();
const header = h('header', { class: 'run-header' });
const chartRoot = h('div', { class: 'charts' });
const details = h('div', { class: 'details' });
const ranks = h('section', { class: 'section', 'aria-labelledby': 'ranks-title', hidden: true });
const media = new MediaView(post);
const mediaSection = h('section', { class: 'section', 'aria-labelledby': 'media-title', hidden: true }, h('h2', { id: 'media-title' }, 'Media'), media.el);
let state: DashboardState | undefined;
let run: RunView | undefined;

const session = new ChartsSession(
  chartRoot,
  DEFAULT_OPTIONS,
  (options) => {
    if (!state) return;
    state = { ...state, options };
    saveState(state);
  },
  post,
);

app.replaceChildren(
  notices.el,
  header,
  ranks,
  h('section', { class: 'section', 'aria-labelledby': 'metrics-title' }, h('h2', { id: 'metrics-title' }, 'Metrics'), session.controls.el, chartRoot),
  mediaSection,
  details,
);

function field(label: string, value: Node | string | undefined): HTMLElement | null {
  if (value === undefined || value === '') return null;
  return h('div', { class: 'field' }, h('dt', {}, label), h('dd', {}, value));
}

function renderHeader(r: RunView): void {
  const end = r.endTime ?? r.lastUpdate;
  const commit = r.gitCommit ? h('code', { title: r.gitCommit }, r.gitCommit.slice(0, 10)) : undefined;
  const commitField = commit ? h('span', {}, commit, r.gitDirty ? h('span', { class: 'dirty', title: 'Uncommitted changes when the run started' }, ' (dirty)') : null, r.gitBranch ? ` on ${r.gitBranch}` : null) : undefined;
  const parent = r.parent ? linkButton(r.parent, () => post({ type: 'openRun', runId: r.parent! }), { title: 'Open the parent run' }) : undefined;
  const command = r.command ? h('code', { class: 'command' }, r.command) : undefined;
  header.replaceChildren(
    h('h1', {}, swatch(r.color), r.name),
    h('p', { class: 'subtitle' }, h('span', { class: `status status-${r.status}` }, r.status), ' · ', h('code', {}, r.id), r.tags.length ? ` · ${r.tags.join(', ')}` : null),
    h(
      'dl',
      { class: 'fields' },
      field('Started', formatTime(r.startTime)),
      field('Duration', formatDuration(end - r.startTime) + (r.status === 'running' ? ' (running)' : '')),
      field('Commit', commitField),
      field('Parent', parent),
      field('Directory', r.cwd),
      field('Command', command),
      field('Error', r.error),
    ),
  );
}

/** The step rate of each rank of a distributed run; hidden for a single-process run. */
function renderRanks(r: RunView): void {
  const content = ranksSection(r);
  ranks.hidden = content === null;
  ranks.replaceChildren(...(content ? [h('h2', { id: 'ranks-title' }, 'Ranks'), content] : []));
}

/** `digits`: exact digits of integers beyond ±2^53, shown instead of their rounded doubles. */
function kvTable(caption: string, rows: Array<[string, Param]>, digits?: Record<string, string>): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'empty' }, `No ${caption.toLowerCase()}.`);
  return h(
    'table',
    { class: 'kv' },
    h('caption', { class: 'visually-hidden' }, caption),
    h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Key'), h('th', { scope: 'col' }, 'Value'))),
    h('tbody', {}, ...rows.map(([k, v]) => h('tr', {}, h('th', { scope: 'row' }, k), h('td', { class: typeof v === 'number' ? 'num' : '' }, formatParam(v, exactDigits(digits, k)))))),
  );
}

/** Another run in this page: nothing of the old one may stay or come back. The state that follows redraws the rest. */
function forgetRun(next: RunView): void {
  media.reset();
  notices.el.replaceChildren();
  session.newRuns();
  document.title = `Run: ${next.name}`;
  window.scrollTo(0, 0);
}

/** Only this run's: a live pass or answer for the run shown before can still be on its way. */
const mine = (runId: string): boolean => run === undefined || runId === run.id;

function renderDetails(d: DashboardData): void {
  const artifacts = d.artifacts.length
    ? h(
        'ul',
        { class: 'artifacts' },
        ...d.artifacts.map((a) =>
          h(
            'li',
            {},
            a.src ? h('img', { src: a.src, alt: a.path, loading: 'lazy' }) : null,
            linkButton(a.path, () => post({ type: 'openArtifact', path: a.path }), { title: 'Open this file' }),
            a.kind ? h('span', { class: 'meta' }, ` ${a.kind}`) : null,
            a.size !== undefined ? h('span', { class: 'meta' }, ` ${(a.size / 1024).toFixed(1)} KiB`) : null,
            a.kind !== 'folder' && a.kind !== 'diff' ? linkButton('Register Model…', () => post({ type: 'registerModel', path: a.path }), { title: 'Register this file as a version of a model' }) : null,
          ),
        ),
      )
    : h('p', { class: 'empty' }, 'No artifacts.');
  details.replaceChildren(
    h('section', { class: 'section' }, h('h2', {}, 'Params'), kvTable('Params', d.params, d.exactParams)),
    h('section', { class: 'section' }, h('h2', {}, 'Summary'), kvTable('Summary', d.summary, d.exactSummary)),
    h('section', { class: 'section' }, h('h2', {}, 'Artifacts'), artifacts),
    h('section', { class: 'section' }, h('h2', {}, 'Notes'), d.run.notes ? h('p', { class: 'notes' }, d.run.notes) : h('p', { class: 'empty' }, 'No notes.')),
  );
}

onHostMessage((m) => {
  switch (m.type) {
    case 'dashboard/state': {
      if (run !== undefined && run.id !== m.run.id) forgetRun(m.run);
      state = m.state;
      run = m.run;
      session.stateReceived(m.timing, m.state.options);
      saveState(state);
      app.setAttribute('aria-busy', 'false');
      renderHeader(m.run);
      renderRanks(m.run);
      // Media first: their first items came with the state, so the images start loading before the charts are built.
      mediaSection.hidden = m.media.length === 0;
      media.setKeys(m.media, [{ id: m.run.id, name: m.run.name, color: m.run.color }], m.mediaFirst);
      session.charts.hosts = m.run.hosts ?? [];
      session.charts.setAll(m.keys, [{ id: m.run.id, name: m.run.name, color: m.run.color, startTime: m.run.startTime }], m.series, m.state.options, []);
      renderDetails(m);
      return;
    }
    case 'media/items':
    case 'media/histograms':
    case 'media/tablePage':
    case 'media/keys': {
      if (m.type === 'media/keys') {
        const keys = m.keys.filter((k) => mine(k.runId));
        mediaSection.hidden = keys.length === 0;
        media.received({ ...m, keys });
        return;
      }
      media.received(m);
      return;
    }
    case 'series/append': {
      const updated = m.runs.find((r) => r.id === run?.id);
      if (updated) {
        run = updated;
        renderHeader(updated);
        renderRanks(updated);
      }
      session.received({ ...m, series: m.series.filter((s) => mine(s.runId)) }, notices, app);
      return;
    }
    default:
      session.received(m, notices, app);
  }
});

onThemeChange(() => {
  session.charts.themeChanged();
  media.themeChanged();
});
session.ready();
