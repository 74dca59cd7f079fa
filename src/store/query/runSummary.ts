// What the store answers from memory about a run: its summary (crashed once it goes quiet), its detail, and
// the problems its log and user.json had.
import { join } from 'node:path';
import type { StoredRun } from '../index/indexDb';
import { setOwn } from '../ingest/records';
import { USER_FILE } from '../ingest/userEdits';
import { toSummary } from '../index/seriesMeta';
import type { SourceCapabilities } from '../sources/runSource';
import type { Liveness } from '../liveness';
import { hasWriters, jobView, rankDiagnostics, type JobView } from './ranks';
import type { Diagnostic, MetricSummary, RunDetail, RunStatus, RunSummary } from '../types';

export interface CachedRun extends StoredRun {
  summary?: RunSummary;
  crashed?: RunSummary;
  /** The summary with its writers' status laid over it (ranks.ts), and what that status depended on. */
  judged?: { key: string; summary: RunSummary };
}

/**
 * `caps`: what the run's source can do (its source may no longer be registered). `live`: what is known of the
 * processes writing logs on this machine.
 */
export function summaryOf(run: CachedRun, now: number, crashAfterMs: number, caps: SourceCapabilities | undefined, live?: Liveness): RunSummary {
  if (run.summary === undefined) {
    const { state, file } = run;
    const metrics: Record<string, MetricSummary> = {};
    let lastStep: number | undefined;
    for (const [key, m] of run.series) {
      setOwn(metrics, key, toSummary(m));
      if (!key.startsWith('system/') && m.count > 0 && (lastStep === undefined || m.lastStep > lastStep)) lastStep = m.lastStep;
    }
    const startTime = state.startTime ?? state.firstTime ?? file.mtimeMs;
    const user = state.user;
    const s: RunSummary = {
      id: state.id,
      root: state.root,
      dir: state.dir,
      name: user?.name ?? state.name ?? state.id,
      project: state.project ?? '',
      tags: user?.tags ?? state.tags,
      status: state.status ?? 'running',
      startTime,
      lastUpdate: state.lastUpdate ?? startTime,
      params: state.params,
      metrics,
      summary: state.summary,
    };
    if (state.exactInts !== undefined) s.exactInts = state.exactInts;
    if (state.group !== undefined) s.group = state.group;
    if (state.parent !== undefined) s.parent = state.parent;
    const notes = user?.notes ?? state.notes;
    if (notes !== undefined) s.notes = notes;
    if (state.endTime !== undefined) s.endTime = state.endTime;
    if (state.lastHeartbeat !== undefined) s.lastHeartbeat = state.lastHeartbeat;
    if (state.exitCode !== undefined) s.exitCode = state.exitCode;
    if (state.error !== undefined) s.error = state.error;
    if (lastStep !== undefined) s.lastStep = lastStep;
    if (state.env.git?.commit !== undefined) s.gitCommit = state.env.git.commit;
    if (state.env.git?.dirty !== undefined) s.gitDirty = state.env.git.dirty;
    if (user?.starred !== undefined) s.starred = user.starred;
    if (user?.archived !== undefined) s.archived = user.archived;
    if (caps?.readOnly === true) s.readOnly = true;
    s.source = state.source ?? 'trackside';
    if (state.editsDir !== undefined) s.editsDir = state.editsDir;
    if (state.source === 'team') teamOrigin(s, state.env.team);
    run.summary = s;
  }
  const s = run.summary;
  if (live !== undefined && caps?.live !== false && hasWriters(run.state)) return judged(run, s, jobView(run.state, run.file, now, crashAfterMs, live));
  if (s.status === 'running' && caps?.live !== false && now - s.lastUpdate > crashAfterMs) {
    run.crashed ??= { ...s, status: (caps?.quietStatus ?? 'crashed') as RunStatus };
    return run.crashed;
  }
  return s;
}

/** The summary as the job's writers make it; the same object while nothing it shows changed. */
function judged(run: CachedRun, s: RunSummary, view: JobView): RunSummary {
  const key = JSON.stringify(view);
  if (run.judged?.key === key) return run.judged.summary;
  const out: RunSummary = { ...s, status: view.status };
  if (view.lastUpdate !== undefined && view.lastUpdate > out.lastUpdate) out.lastUpdate = view.lastUpdate;
  if (view.error !== undefined) out.error = view.error;
  if (view.ranks !== undefined) out.ranks = view.ranks;
  if (view.hosts !== undefined) out.hosts = view.hosts;
  if (view.crashedRank !== undefined) out.crashedRank = view.crashedRank;
  run.judged = { key, summary: out };
  return out;
}

/**
 * Who shared a fetched team run and what it was then: written by the fetch into start.env.team
 * (sources/team/metaRecords.ts). A run that was crashed when shared stays crashed (a log records no such status,
 * and a source that is not live never turns a run crashed by itself); a running one is running as of `sharedAt`.
 */
function teamOrigin(s: RunSummary, team: unknown): void {
  if (team === null || typeof team !== 'object') return;
  const { author, host, status, sharedAt } = team as { author?: unknown; host?: unknown; status?: unknown; sharedAt?: unknown };
  if (typeof author === 'string') s.author = author;
  if (typeof host === 'string') s.authorHost = host;
  if (status === 'crashed' && s.status === 'running') s.status = 'crashed';
  if (typeof sharedAt === 'number' && Number.isFinite(sharedAt)) s.sharedAt = sharedAt;
}

export function detailOf(run: CachedRun, summary: RunSummary): RunDetail {
  const { state } = run;
  const detail: RunDetail = {
    ...summary,
    argv: state.argv,
    env: state.env,
    artifacts: state.artifacts,
    overrides: state.overrides,
  };
  if (state.cwd !== undefined) detail.cwd = state.cwd;
  if (state.executable !== undefined) detail.executable = state.executable;
  return detail;
}

export function runDiagnostics(runs: Iterable<CachedRun>): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const run of runs) {
    const { problems } = run.state;
    if (problems.count > 0) {
      const first = problems.first[0];
      const more = problems.count - 1;
      out.push({
        file: run.file.path,
        line: first.line,
        reason: more > 0 ? `${first.reason} (and ${more} more bad line${more === 1 ? '' : 's'})` : first.reason,
        count: problems.count,
        lines: problems.first,
      });
    }
    out.push(...rankDiagnostics(run.state, run.file));
    if (run.state.userProblem !== undefined) out.push({ file: join(run.state.editsDir ?? run.state.dir, USER_FILE), reason: run.state.userProblem });
  }
  return out;
}
