// A run's status from its writers: a distributed job's ranks (one segment each), or one process. A writer on this
// machine is judged by its process (liveness.ts); one on another host by how long its file has been still, by its
// mtime against this host's clock, so a host whose clock is off by minutes is not called crashed for it.
import type { FileState, ProcInfo, RunState } from '../ingest/runState';
import type { Liveness } from '../liveness';
import { LOG_FILE } from '../sources/trackside/discovery';
import { segmentRank } from '../sources/trackside/segments';
import type { Diagnostic, ErrorSummary, RankSummary, RunStatus } from '../types';

/** One log's writer as the status rules need it. */
interface Writer {
  rank: number;
  state: RunState;
  cursor: FileState | undefined;
  mtime: number | undefined;
}

/** What the job's writers say, laid over the run's summary. */
export interface JobView {
  status: RunStatus;
  lastUpdate?: number;
  error?: ErrorSummary;
  ranks?: RankSummary[];
  hosts?: string[];
  crashedRank?: { rank: number; host: string };
}

/** Whether the summary must be worked out per call (it depends on the clock or on a process check). */
export function hasWriters(state: RunState): boolean {
  return state.proc !== undefined || state.segments !== undefined;
}

function writerStatus(w: Writer, now: number, crashAfterMs: number, live: Liveness): { status: RunStatus; why?: string } {
  const logged = w.state.status ?? 'running';
  if (logged !== 'running') return { status: logged };
  const proc: ProcInfo | undefined = w.state.proc;
  const state = proc === undefined ? 'unknown' : live.state(proc);
  if (state === 'dead') return { status: 'crashed', why: `process ${proc?.pid} is gone` };
  if (state === 'alive') return { status: 'running' };
  // Another host's file (or one not checked yet): quiet for long means dead. With no writer recorded (an older
  // logger), the records' own times, as before.
  const last = proc !== undefined && w.mtime !== undefined ? w.mtime : w.state.lastUpdate;
  if (last !== undefined && now - last > crashAfterMs) return { status: 'crashed', why: `nothing written for ${Math.round((now - last) / 60_000)} min` };
  return { status: 'running' };
}

function writersOf(state: RunState, file: FileState): Writer[] {
  const out: Writer[] = [];
  if (state.hasStart || state.segments === undefined) out.push({ rank: state.rank?.rank ?? 0, state, cursor: file, mtime: file.mtimes?.[LOG_FILE] ?? (file.mtimeMs >= 0 ? file.mtimeMs : undefined) });
  for (const [rel, seg] of Object.entries(state.segments ?? {})) {
    out.push({ rank: segmentRank(rel) ?? -1, state: seg, cursor: file.segments?.[rel], mtime: file.mtimes?.[rel] });
  }
  return out.sort((a, b) => a.rank - b.rank);
}

const oneLine = (e: ErrorSummary | undefined) => [e?.type, e?.message].filter(Boolean).join(': ').split('\n')[0].slice(0, 300);

/** The job's status: any rank crashed (or failed, or killed) makes the run so; finished when every rank finished. */
export function jobView(state: RunState, file: FileState, now: number, crashAfterMs: number, live: Liveness): JobView {
  const writers = writersOf(state, file);
  if (state.segments === undefined) {
    const { status, why } = writerStatus(writers[0], now, crashAfterMs, live);
    return status === 'crashed' && why !== undefined ? { status, error: { type: 'crashed', message: why } } : { status };
  }
  const world = state.rank?.worldSize ?? Math.max(...writers.map((w) => w.state.rank?.worldSize ?? 0));
  const ranks: RankSummary[] = [];
  const hosts: string[] = [];
  let lastUpdate: number | undefined;
  let firstBad: { status: RunStatus; rank: RankSummary; error?: ErrorSummary } | undefined;
  const order: RunStatus[] = ['crashed', 'failed', 'killed'];
  let finished = 0;
  for (const w of writers) {
    const host = w.state.proc?.host ?? '';
    if (host !== '' && !hosts.includes(host)) hosts.push(host);
    const { status, why } = writerStatus(w, now, crashAfterMs, live);
    const lastStep = w.cursor !== undefined && w.cursor.prevStep >= 0 ? w.cursor.prevStep : (w.state.beatStep ?? null);
    const lastTs = w.state.lastUpdate ?? null;
    const start = w.state.startTime;
    const secs = lastTs !== null && start !== undefined ? (lastTs - start) / 1000 : 0;
    const r: RankSummary = { rank: w.rank, host, pid: w.state.proc?.pid ?? null, status, lastStep, lastTs, stepRate: lastStep !== null && secs > 0 ? (lastStep + 1) / secs : null };
    const error = status === 'crashed' ? why : w.state.error === undefined ? undefined : oneLine(w.state.error);
    if (error !== undefined && error !== '') r.error = error;
    ranks.push(r);
    if (lastTs !== null && (lastUpdate === undefined || lastTs > lastUpdate)) lastUpdate = lastTs;
    // A rank left over from a larger attempt of an elastic job does not decide the job's status.
    if (world > 0 && w.rank >= world) continue;
    if (status === 'finished') finished++;
    const at = order.indexOf(status);
    if (at >= 0 && (firstBad === undefined || at < order.indexOf(firstBad.status))) firstBad = { status, rank: r, error: w.state.error };
  }
  const view: JobView = { status: 'running', ranks, hosts, ...(lastUpdate !== undefined ? { lastUpdate } : {}) };
  if (firstBad !== undefined) {
    const { rank, host } = firstBad.rank;
    view.status = firstBad.status;
    const message = `rank ${rank} on ${host || 'an unknown host'}${firstBad.rank.error !== undefined ? `: ${firstBad.rank.error}` : ''}`;
    view.error = firstBad.status === 'crashed' ? { type: 'crashed', message } : { ...firstBad.error, message };
    if (firstBad.status === 'crashed') view.crashedRank = { rank, host };
  } else if (finished > 0 && finished >= Math.max(world, ranks.filter((r) => r.rank < world || world === 0).length)) {
    view.status = 'finished';
  }
  return view;
}

/** What is wrong with a distributed run's segments: told, while every record of them is still read. */
export function rankDiagnostics(state: RunState, file: FileState): Diagnostic[] {
  if (state.segments === undefined) return [];
  const out: Diagnostic[] = [];
  const main = state.rank;
  const world = main?.worldSize;
  const sizes = new Set<number>();
  for (const [rel, seg] of Object.entries(state.segments)) {
    const path = file.segments?.[rel]?.path ?? `${state.dir}/${rel}`;
    if (!seg.hasStart) out.push({ file: path, reason: `${rel} has no start record: read as rank ${segmentRank(rel)} with no host or process` });
    if (seg.rank !== undefined) {
      sizes.add(seg.rank.worldSize);
      if (seg.rank.rank !== segmentRank(rel)) out.push({ file: path, reason: `${rel} says it is rank ${seg.rank.rank}; read as rank ${segmentRank(rel)}` });
      if (main !== undefined && main.job !== undefined && seg.rank.job !== undefined && seg.rank.job !== main.job) {
        out.push({ file: path, reason: `two jobs claim run ${state.id}: rank 0 is from job ${main.job}, ${rel} from job ${seg.rank.job}` });
      }
    }
    if (seg.worldSizes !== undefined) out.push({ file: path, reason: `the rank count changed (${seg.worldSizes.join(' → ')}): an elastic restart` });
    if (seg.problems.count > 0) out.push({ file: path, line: seg.problems.first[0].line, reason: seg.problems.first[0].reason, count: seg.problems.count, lines: seg.problems.first });
  }
  if (world !== undefined) sizes.add(world);
  if (sizes.size > 1 && !Object.values(state.segments).some((s) => s.worldSizes !== undefined) && state.worldSizes === undefined) {
    out.push({ file: file.path, reason: `the ranks of run ${state.id} disagree on the world size (${[...sizes].join(', ')}): two jobs claim this run id, or the job was restarted with another size` });
  }
  if (state.worldSizes !== undefined) out.push({ file: file.path, reason: `the rank count changed (${state.worldSizes.join(' → ')}): an elastic restart` });
  if (!state.hasStart) out.push({ file: file.path, reason: `rank 0's log (${LOG_FILE}) is missing or has no start record; the other ranks are shown` });
  return out;
}
