// `trackside index | ls | show | compare | series`: the run store from a terminal, for SSH sessions, CI and benchmarks.
import { isAbsolute, join, resolve } from 'node:path';
import { openStore, stringifyWithFloats, type Diagnostic, type RunQuery, type RunStatus, type RunStore, type RunSummary, type SortKey } from '../store';
import { exactDigits } from '../shared/format';
import { parseArgs, UsageError, type ParsedArgs } from './args';
import { diffRowJson, runJson } from './exactJson';
import { paramRows } from '../shared/params';
import { modelCommand } from './model';
import { formatDuration, formatNumber, formatTime, formatValue, safe, table } from './terminalText';
import { cmdPull, cmdPush, TEAM_HELP, TeamFailure, type TeamCli } from './team';
import { sweepCommand } from './sweep';
import { mediaJson, mediaTable } from './mediaShow';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: Record<string, string | undefined>;
  cwd: string;
}

export const EXIT_OK = 0;
export const EXIT_NOT_FOUND = 1;
export const EXIT_USAGE = 2;
export const EXIT_FAILED = 3;

export const HELP = `trackside: ML experiment runs from the terminal

Usage:
  trackside index                 index new log lines; print runs, points, errors and time
  trackside ls [filters]          list runs (newest first)
  trackside show <run>            one run: params, metrics, summary, artifacts
  trackside compare <run> <run>…  params that differ, and last metric values side by side
  trackside series <run> <key>    one metric's points (step, time, value), as the charts get them
  trackside model …               registered models: register, ls, alias, edit, show (trackside model --help)
  trackside sweep run|status|stop hyperparameter sweeps (see trackside sweep --help)

<run> is a run id or name, or a unique prefix of either.

Options (every command):
  --root DIR    folder holding runs/<id>/events.jsonl (default: $TRACKSIDE_DIR, else ./.trackside); other
                tools' runs (MLflow, Hugging Face, Lightning, Sacred, …) are found anywhere under it, and
                JSON gives each run's "source" (trackside, mlflow, …)
  --db FILE     the index file (default: <root>/index.sqlite)
  --json        print JSON instead of tables
  --no-index    query the index as it is, without reading new log lines first
  -h, --help    this text

ls filters:
  --status S[,S]  running, finished, failed, killed, crashed
  --project P     --tag T (repeatable as T1,T2)   --text SUBSTRING
  --sort KEY      start, duration, name, status, param:NAME or metric:NAME
  --asc | --desc  sort order (default: descending for start, ascending otherwise)
  --limit N

compare:
  --all         list every param, not only those that differ

series:
  --points N    downsample to about N points (first, last and extremes kept; default: every point)
  --csv         print step,time,value lines instead of a table (or --json)

JSON output: numbers that JSON cannot spell are written as {"$float": "NaN"}, {"$float": "Infinity"} and
{"$float": "-Infinity"}, and integers beyond 2^53 that were logged exactly as {"$int": "<digits>"}: the same
conventions as the log format. Times are Unix milliseconds.

${TEAM_HELP.trim()}

Exit codes: 0 ok, 1 run or metric not found (or the prefix matches several runs), 2 usage error, 3 other failure.
`;

const VALUED = new Set(['root', 'db', 'status', 'project', 'tag', 'text', 'sort', 'limit', 'points', 'remote', 'artifact-limit', 'exclude']);
const FLAGS = new Set(['json', 'help', 'no-index', 'asc', 'desc', 'all', 'csv', 'dry-run', 'share-diff', 'delete']);
const STATUSES = new Set<RunStatus>(['running', 'finished', 'failed', 'killed', 'crashed']);

export class NotFound extends Error {}

export function rootOf(args: ParsedArgs, io: CliIo): string {
  const root = args.options.get('root') ?? io.env.TRACKSIDE_DIR ?? join(io.cwd, '.trackside');
  return isAbsolute(root) ? root : resolve(io.cwd, root);
}

/** Where other tools' runs are searched: anywhere under the root (bounded; see store/sources/foreign/walk.ts). */
function scanOf(root: string): string[] {
  return [root];
}

export async function withStore<T>(args: ParsedArgs, io: CliIo, fn: (store: RunStore, diagnostics: Diagnostic[]) => T | Promise<T>): Promise<T> {
  const root = rootOf(args, io);
  const db = args.options.get('db');
  const store = await openStore({ roots: [root], scanFolders: scanOf(root), dbPath: db === undefined ? join(root, 'index.sqlite') : resolve(io.cwd, db) });
  try {
    let diagnostics: Diagnostic[] = [];
    if (!args.flags.has('no-index')) {
      diagnostics = (await store.index()).diagnostics;
      await store.persist();
    }
    // A run on this machine whose process is gone is crashed now, not after the heartbeat timeout.
    await store.checkLiveness?.();
    return await fn(store, diagnostics);
  } finally {
    await store.close();
  }
}

export function json(io: CliIo, value: unknown): void {
  io.stdout(stringifyWithFloats(value, 2) + '\n');
}

/** Exact id, exact name, then a unique prefix of an id or a name. */
export function resolveRun(runs: RunSummary[], ref: string): RunSummary {
  const exact = runs.find((r) => r.id === ref) ?? (runs.filter((r) => r.name === ref).length === 1 ? runs.find((r) => r.name === ref) : undefined);
  if (exact !== undefined) return exact;
  const byName = runs.filter((r) => r.name === ref);
  const candidates = byName.length > 0 ? byName : runs.filter((r) => r.id.startsWith(ref) || r.name.startsWith(ref));
  if (candidates.length === 1) return candidates[0];
  if (candidates.length === 0) throw new NotFound(`no run matches "${ref}"`);
  const list = candidates.slice(0, 10).map((r) => `  ${r.id}  ${r.name}`).join('\n');
  throw new NotFound(`"${ref}" matches ${candidates.length} runs:\n${list}${candidates.length > 10 ? '\n  …' : ''}`);
}

function printDiagnostics(io: CliIo, diagnostics: Diagnostic[], write: (t: string) => void): void {
  const rows: string[][] = [];
  for (const d of diagnostics) {
    if (d.lines !== undefined && d.lines.length > 0) {
      for (const l of d.lines) rows.push([d.file, String(l.line), l.reason]);
      if ((d.count ?? 0) > d.lines.length) rows.push([d.file, '', `… ${(d.count ?? 0) - d.lines.length} more`]);
    } else {
      rows.push([d.file, d.line === undefined ? '' : String(d.line), d.reason]);
    }
  }
  if (rows.length > 0) write(table(['FILE', 'LINE', 'ERROR'], rows, new Set([1])) + '\n');
  void io;
}

async function cmdIndex(args: ParsedArgs, io: CliIo): Promise<number> {
  const root = rootOf(args, io);
  const db = args.options.get('db');
  const store = await openStore({ roots: [root], scanFolders: scanOf(root), dbPath: db === undefined ? join(root, 'index.sqlite') : resolve(io.cwd, db) });
  try {
    const report = await store.index();
    await store.persist();
    if (args.flags.has('json')) {
      json(io, report);
    } else {
      io.stdout(`${report.runs} runs, ${report.points} new points, ${report.changedRuns.length} changed, ${report.removedRuns.length} removed, ${report.diagnostics.length} files with errors, ${report.ms} ms\n`);
      printDiagnostics(io, report.diagnostics, io.stdout);
    }
    return EXIT_OK;
  } finally {
    await store.close();
  }
}

function sortKey(text: string): SortKey {
  if (text === 'start' || text === 'duration' || text === 'name' || text === 'status') return { kind: text };
  const m = /^(param|metric):(.+)$/.exec(text);
  if (m !== null) return { kind: m[1] as 'param' | 'metric', key: m[2] };
  throw new UsageError(`--sort ${text}: use start, duration, name, status, param:NAME or metric:NAME`);
}

function lsQuery(args: ParsedArgs): RunQuery {
  const q: RunQuery = {};
  const status = args.options.get('status');
  if (status !== undefined) {
    const list = status.split(',').map((s) => s.trim()) as RunStatus[];
    for (const s of list) if (!STATUSES.has(s)) throw new UsageError(`--status ${s}: use ${[...STATUSES].join(', ')}`);
    q.status = list;
  }
  const project = args.options.get('project');
  if (project !== undefined) q.project = project;
  const tag = args.options.get('tag');
  if (tag !== undefined) q.tags = tag.split(',').filter((t) => t !== '');
  const text = args.options.get('text');
  if (text !== undefined) q.text = text;
  const sort = args.options.get('sort');
  if (sort !== undefined || args.flags.has('asc') || args.flags.has('desc')) {
    const key = sortKey(sort ?? 'start');
    q.sort = { key, descending: args.flags.has('desc') || (!args.flags.has('asc') && key.kind === 'start') };
  }
  const limit = args.options.get('limit');
  if (limit !== undefined) {
    const n = Number(limit);
    if (!Number.isInteger(n) || n < 0) throw new UsageError(`--limit ${limit}: expected a whole number`);
    q.limit = n;
  }
  return q;
}

function duration(r: RunSummary): number {
  return (r.endTime ?? r.lastUpdate) - r.startTime;
}

async function cmdLs(args: ParsedArgs, io: CliIo): Promise<number> {
  const query = lsQuery(args);
  return withStore(args, io, (store) => {
    const runs = store.listRuns(query);
    if (args.flags.has('json')) {
      json(io, runs.map(runJson));
      return EXIT_OK;
    }
    if (runs.length === 0) {
      io.stdout(`No runs under ${rootOf(args, io)}.\n`);
      return EXIT_OK;
    }
    const rows = runs.map((r) => [r.id, r.name + ranksNote(r), r.project, statusText(r), formatTime(r.startTime), formatDuration(duration(r)), r.lastStep === undefined ? '' : String(r.lastStep), r.tags.join(',')]);
    io.stdout(table(['ID', 'NAME', 'PROJECT', 'STATUS', 'STARTED', 'DURATION', 'STEP', 'TAGS'], rows, new Set([5, 6])) + '\n');
    return EXIT_OK;
  });
}

/** A distributed run says how many ranks it has: one row stands for the whole job. */
function ranksNote(r: RunSummary): string {
  return r.ranks === undefined ? '' : ` (${r.ranks.length} rank${r.ranks.length === 1 ? '' : 's'}${(r.hosts?.length ?? 0) > 1 ? ` on ${r.hosts?.length} hosts` : ''})`;
}

function statusText(r: RunSummary): string {
  return r.crashedRank === undefined ? r.status : `${r.status} (rank ${r.crashedRank.rank} on ${r.crashedRank.host})`;
}

async function cmdShow(args: ParsedArgs, io: CliIo): Promise<number> {
  if (args.positionals.length !== 1) throw new UsageError('show takes one run: trackside show <run>');
  return withStore(args, io, (store) => {
    const run = store.getRun(resolveRun(store.listRuns(), args.positionals[0]).id);
    if (run === undefined) throw new NotFound(`run ${args.positionals[0]} disappeared`);
    const media = store.mediaKeys(run.id);
    if (args.flags.has('json')) {
      json(io, { ...(runJson(run) as object), media: mediaJson(media) });
      return EXIT_OK;
    }
    const out: string[] = [];
    const field = (k: string, v: string | undefined) => v !== undefined && v !== '' && out.push(`${k.padEnd(10)} ${safe(v)}`);
    field('run', run.id);
    field('name', run.name);
    field('project', run.project);
    field('group', run.group);
    field('status', statusText(run) + (run.exitCode !== undefined ? ` (exit code ${run.exitCode})` : ''));
    field('started', formatTime(run.startTime));
    field('duration', formatDuration(duration(run)));
    field('tags', run.tags.join(', '));
    field('parent', run.parent);
    field('git', run.gitCommit === undefined ? undefined : run.gitCommit + (run.gitDirty ? ' (dirty)' : ''));
    field('command', run.argv.join(' '));
    field('cwd', run.cwd);
    field('notes', run.notes);
    if (typeof run.env.seed === 'number') field('seed', formatValue(run.env.seed, run.exactInts?.seed));
    if (run.error !== undefined) field('error', [run.error.type, run.error.message].filter(Boolean).join(': '));
    const section = (title: string, body: string) => out.push('', title, body);
    const params = Object.entries(run.params);
    if (params.length > 0) section('Params', table(['KEY', 'VALUE'], params.map(([k, v]) => [k + (k in run.overrides ? ' (override)' : ''), formatValue(v, exactDigits(run.exactInts?.params, k))])));
    const metrics = Object.entries(run.metrics);
    if (metrics.length > 0) {
      section(
        'Metrics',
        table(
          ['KEY', 'LAST', 'MIN', 'MAX', 'STEP', 'POINTS'],
          metrics.map(([k, m]) => [k, formatNumber(m.last), formatNumber(m.min), formatNumber(m.max), formatNumber(m.lastStep), String(m.count)]),
          new Set([1, 2, 3, 4, 5]),
        ),
      );
    }
    const summary = Object.entries(run.summary);
    if (summary.length > 0) section('Summary', table(['KEY', 'VALUE'], summary.map(([k, v]) => [k, formatValue(v, exactDigits(run.exactInts?.summary, k))])));
    if (run.ranks !== undefined) {
      section(
        'Ranks',
        table(
          ['RANK', 'HOST', 'PID', 'STATUS', 'STEP', 'STEPS/S', 'ERROR'],
          run.ranks.map((k) => [String(k.rank), k.host, k.pid === null ? '' : String(k.pid), k.status, formatNumber(k.lastStep), formatNumber(k.stepRate), k.error ?? '']),
          new Set([0, 2, 4, 5]),
        ),
      );
    }
    if (media.length > 0) section('Media', mediaTable(media));
    if (run.artifacts.length > 0) section('Artifacts', table(['PATH', 'KIND', 'SIZE'], run.artifacts.map((a) => [a.path, a.kind ?? '', a.size === undefined ? '' : String(a.size)]), new Set([2])));
    io.stdout(out.join('\n') + '\n');
    return EXIT_OK;
  });
}

async function cmdCompare(args: ParsedArgs, io: CliIo): Promise<number> {
  if (args.positionals.length < 2) throw new UsageError('compare takes two or more runs: trackside compare <run> <run>…');
  return withStore(args, io, (store) => {
    const all = store.listRuns();
    const runs = args.positionals.map((ref) => resolveRun(all, ref));
    const ids = runs.map((r) => r.id);
    // The compare view's own diff, so both list the same rows in the same order.
    const params = paramRows(runs);
    const keys = store.metricKeys(ids);
    const metrics = keys.map((key) => ({ key, values: runs.map((r) => r.metrics[key] ?? null) }));
    if (args.flags.has('json')) {
      json(io, { runs: ids, params: params.map(diffRowJson), metrics });
      return EXIT_OK;
    }
    const header = ['', ...runs.map((r) => (r.name === r.id ? r.id : `${r.name} (${r.id})`))];
    const shown = args.flags.has('all') ? params : params.filter((p) => p.differs);
    const out: string[] = [];
    out.push(shown.length === 0 ? (params.length === 0 ? 'No params.' : 'Params: all the same.') : `Params${args.flags.has('all') ? '' : ' that differ'}\n` + table(['PARAM', ...header.slice(1)], shown.map((p) => [p.key, ...p.values.map((v, i) => (v === undefined ? '—' : formatValue(v, p.exact?.[i])))])));
    if (metrics.length > 0) {
      out.push('', 'Metrics (last value)\n' + table(['METRIC', ...header.slice(1)], metrics.map((m) => [m.key, ...m.values.map((v) => (v === null ? '—' : formatNumber(v.last)))]), new Set(runs.map((_, i) => i + 1))));
    }
    io.stdout(out.join('\n') + '\n');
    return EXIT_OK;
  });
}

function pointsOption(args: ParsedArgs): number {
  const text = args.options.get('points');
  // No target: every point, since downsampling keeps whatever is at or under the target.
  if (text === undefined) return Number.MAX_SAFE_INTEGER;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--points ${text}: expected a whole number above 0`);
  return n;
}

async function cmdSeries(args: ParsedArgs, io: CliIo): Promise<number> {
  if (args.positionals.length !== 2) throw new UsageError('series takes a run and a metric: trackside series <run> <key>');
  if (args.flags.has('json') && args.flags.has('csv')) throw new UsageError('--json and --csv: choose one');
  const points = pointsOption(args);
  const [ref, key] = args.positionals;
  return withStore(args, io, async (store) => {
    const run = resolveRun(store.listRuns(), ref);
    const [s] = await store.series({ runIds: [run.id], keys: [key], points, x: 'step' });
    if (s === undefined) throw new NotFound(`run ${run.id} has no metric "${key}"`);
    if (args.flags.has('json')) {
      json(io, { run: run.id, key, total: s.total, steps: Array.from(s.steps), times: Array.from(s.times), values: Array.from(s.values) });
      return EXIT_OK;
    }
    if (args.flags.has('csv')) {
      // String(NaN) and String(Infinity) are the tokens spreadsheets and pandas read back.
      const lines = ['step,time,value'];
      for (let i = 0; i < s.steps.length; i++) lines.push(`${s.steps[i]},${s.times[i]},${s.values[i]}`);
      io.stdout(lines.join('\n') + '\n');
      return EXIT_OK;
    }
    const rows = Array.from(s.steps, (step, i) => [String(step), formatTime(s.times[i]), formatNumber(s.values[i])]);
    io.stdout(table(['STEP', 'TIME', 'VALUE'], rows, new Set([0, 2])) + '\n');
    if (s.steps.length < s.total) io.stdout(`${s.steps.length} of ${s.total} points\n`);
    return EXIT_OK;
  });
}

const teamCli = (args: ParsedArgs, io: CliIo): TeamCli => ({ stdout: io.stdout, cwd: io.cwd, root: rootOf(args, io), withStore: (fn) => withStore(args, io, fn), resolveRun });

export async function main(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
      (command === undefined ? io.stderr : io.stdout)(HELP);
      return command === undefined ? EXIT_USAGE : EXIT_OK;
    }
    if (command === 'model') return await modelCommand(rest, io);
    if (command === 'sweep') return await sweepCommand(rest, io);
    const args = parseArgs(rest, VALUED, FLAGS);
    if (args.flags.has('help')) {
      io.stdout(HELP);
      return EXIT_OK;
    }
    switch (command) {
      case 'index':
        if (args.positionals.length > 0) throw new UsageError(`index takes no arguments (got ${args.positionals[0]})`);
        return await cmdIndex(args, io);
      case 'ls':
        if (args.positionals.length > 0) throw new UsageError(`ls takes no arguments (got ${args.positionals[0]})`);
        return await cmdLs(args, io);
      case 'show':
        return await cmdShow(args, io);
      case 'compare':
        return await cmdCompare(args, io);
      case 'series':
        return await cmdSeries(args, io);
      case 'push':
        return await cmdPush(args, teamCli(args, io));
      case 'pull':
        return await cmdPull(args, teamCli(args, io));
      default:
        throw new UsageError(`unknown command ${command}`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr(`trackside: ${err.message}\nRun "trackside --help" for usage.\n`);
      return EXIT_USAGE;
    }
    if (err instanceof TeamFailure) {
      io.stderr(`trackside: ${err.message}\n`);
      return EXIT_FAILED;
    }
    if (err instanceof NotFound) {
      io.stderr(`trackside: ${safe(err.message).replace(/\u21b5/g, '\n')}\n`);
      return EXIT_NOT_FOUND;
    }
    io.stderr(`trackside: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT_FAILED;
  }
}
