// Indexing one run: tails its log from where the last pass stopped (in this thread or on a parse worker) and
// commits each parsed part, with the offset it reached, in one transaction.
import type { Stats } from 'node:fs';
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { errorText, LOG_FILE, USER_FILE, type Candidate } from '../ingest/discovery';
import type { IndexDb } from './indexDb';
import type { ParsePool } from '../ingest/parsePool';
import { parseRun, REPORT_DETAILS, type ParseJob, type ParsedPart } from '../ingest/runParser';
import { newFileState, newRunState, type FileState, type RunState } from '../ingest/runState';
import type { CachedRun } from '../query/runSummary';
import { PointFileLost } from './pointFiles';
import { copyMeta, emptyMeta, type SeriesMeta } from './seriesMeta';
import { recordSpans, SealBuffer, type PlannedSeries } from './seriesPlan';
import { fingerprintOf } from '../ingest/tailer';
import type { Diagnostic, IndexReport } from '../types';
import { parseUserEdits } from '../ingest/userEdits';

/** Tunables; tests lower them to reach rare paths with small logs. */
export const limits = {
  /** A run with this many unwritten points is checkpointed mid-file, so memory stays bounded on huge logs. */
  flushPoints: 1 << 20,
  /**
   * New log bytes in one pass from which parsing moves to worker threads, whose start costs about 150 ms. First
   * passes measured on 2 cores, this thread vs workers: 2.7 MB 218 vs 233 ms, 8 MB 462 vs 395 ms, 26 MB 809 vs
   * 526 ms. Past here the indexer's thread (the extension host's) also stays free.
   */
  workerBytes: 8 << 20,
  /**
   * New runs in one pass from which parsing moves to worker threads, however small: each run read in this thread
   * costs a few thread-pool round trips, which a worker reading synchronously does not pay (10,000 runs of 20
   * steps: 10 s here, 6.4 s on workers).
   */
  workerRuns: 500,
};

/** What indexing a run writes to: the database, the store's runs in memory, and its unsaved-changes flag. */
export interface IndexTarget {
  db: IndexDb;
  runs: Map<string, CachedRun>;
  /** Runs whose indexed points turned out unreadable: the next pass reindexes them from the start. */
  stale: Set<string>;
  markDirty(): void;
}

/** `afresh` reindexes the run from the start of its log whatever the index holds. */
export async function indexRun(target: IndexTarget, c: Candidate, logStat: Stats, userStat: Stats | undefined, report: IndexReport, general: Diagnostic[], signal?: AbortSignal, pool?: ParsePool, afresh = false): Promise<void> {
  const { db, runs } = target;
  const cached = runs.get(c.id);
  const path = join(c.dir, LOG_FILE);
  const sameRoot = cached !== undefined && cached.state.root === c.root;
  let state: RunState = sameRoot ? structuredClone(cached.state) : newRunState(c.id, c.root, c.dir);
  let file: FileState = sameRoot ? { ...cached.file } : newFileState(path);
  let series = new Map<string, SeriesMeta>();
  if (sameRoot) for (const [k, m] of cached.series) series.set(k, copyMeta(m));
  let reset = !sameRoot || afresh || target.stale.delete(c.id);
  const passDetails: Array<{ line: number; reason: string }> = [];
  let passCount = 0;
  let committed = false;

  // A run indexed from scratch on a parse worker is sealed there too (see workerSeal.ts): the worker reads the
  // log's fingerprint and writes the new point file, and this thread only commits rows.
  const sealTarget = reset && pool?.usable === true ? await db.files.sealTarget?.() : undefined;
  let handle: FileHandle | undefined;
  if (sealTarget === undefined) {
    try {
      handle = await open(path, 'r');
    } catch (err) {
      general.push({ file: path, reason: `cannot read the log (${errorText(err)})` });
      return;
    }
  }
  try {
    const fingerprint = handle === undefined ? '' : await fingerprintOf(handle);
    if (!reset && (logStat.size < file.offset || !fingerprint.startsWith(file.fingerprint))) {
      // Truncated or replaced: what we indexed no longer describes this file.
      reset = true;
    }
    if (reset) {
      state = newRunState(c.id, c.root, c.dir);
      file = newFileState(path);
      series = new Map();
    }
    file.fingerprint = fingerprint;
    file.path = path;

    const userMtime = userStat?.mtimeMs ?? -1;
    if (file.userMtimeMs !== userMtime) {
      delete state.user;
      delete state.userProblem;
      if (userStat !== undefined) {
        try {
          const parsed = parseUserEdits(await readFile(join(c.dir, USER_FILE), 'utf8'));
          if (parsed.edits !== undefined) state.user = parsed.edits;
          if (parsed.problem !== undefined) state.userProblem = parsed.problem;
        } catch (err) {
          state.userProblem = `cannot read user.json (${errorText(err)})`;
        }
      }
      file.userMtimeMs = userMtime;
    }

    // Commits one part: its sealed chunks go to the run's point file past the committed length first; then its
    // chunk rows, the state and the offset it reached, in one transaction that also commits the new length.
    const commit = async (part: ParsedPart): Promise<void> => {
      const points = file.points;
      const nextState = part.state;
      const nextFile: FileState = { ...part.file, points };
      if (part.complete) {
        nextFile.size = logStat.size;
        nextFile.mtimeMs = logStat.mtimeMs;
      }
      let plans: PlannedSeries[] = [];
      let added = 0;
      if (part.sealed !== undefined) {
        plans = part.sealed.plans;
        if (part.sealed.points !== undefined) nextFile.points = part.sealed.points;
        for (const plan of plans) for (const row of plan.rows) added += row.c.n;
      } else {
        const seal = new SealBuffer(points?.bytes ?? 0);
        for (const col of part.columns) {
          if (col.length === 0) continue;
          plans.push(db.planAppend(c.id, col.key, copyMeta(series.get(col.key) ?? emptyMeta()), col, seal));
          added += col.length;
        }
        if (seal.length > 0) {
          const name = points?.name ?? db.files.newName();
          await db.files.write(name, seal.base, seal.contents());
          nextFile.points = { name, bytes: seal.base + seal.length };
          recordSpans(plans);
        }
      }
      for (const plan of plans) if (!plan.meta.monotone) await db.resummarize(c.id, points?.name, plan);
      db.transaction(() => {
        if (reset) db.deleteRunData(c.id);
        for (const plan of plans) db.commitSeries(c.id, plan);
        db.writeRun(nextState, nextState.status ?? 'running', { params: true, tags: true, artifacts: true, problems: true });
        db.writeFile(c.id, nextFile);
      });
      state = nextState;
      file = nextFile;
      for (const plan of plans) series.set(plan.key, plan.meta);
      report.points += added;
      reset = false;
      committed = true;
      passCount += part.count;
      for (const d of part.details) if (passDetails.length < REPORT_DETAILS) passDetails.push(d);
      runs.set(c.id, { state: structuredClone(state), file: { ...file }, series: new Map([...series].map(([k, m]) => [k, copyMeta(m)])) });
      target.markDirty();
    };

    const job: ParseJob = { end: logStat.size, state, file, flushPoints: limits.flushPoints, ...(sealTarget === undefined ? {} : { seal: sealTarget }) };
    if (pool !== undefined && pool.usable) {
      await handle?.close();
      handle = undefined;
      try {
        await pool.run(path, job, async (part) => {
          await commit(part);
          return !signal?.aborted;
        });
      } catch (err) {
        if (pool.usable) throw err;
        // The worker died: what it sent is committed; finish this run here from where it stopped.
        return await indexRun(target, c, logStat, userStat, report, general, signal, undefined, afresh);
      }
    } else {
      if (handle === undefined) throw new Error('the log was not opened');
      for await (const part of parseRun(handle, job, () => signal?.aborted === true)) await commit(part);
    }
    report.changedRuns.push(c.id);
    if (passCount > 0) {
      report.diagnostics.push({ file: path, line: passDetails[0].line, reason: passDetails[0].reason, count: passCount, lines: passDetails });
    }
  } catch (err) {
    if (err instanceof PointFileLost && !afresh) {
      // The point file was deleted or cut short under us: what the index says of this run cannot be trusted.
      general.push({ file: path, reason: `the run's indexed points were lost (${err.message}); reindexed from the log` });
      await handle?.close().catch(() => undefined);
      handle = undefined;
      return await indexRun(target, c, logStat, userStat, report, general, signal, pool, true);
    }
    general.push({ file: path, reason: `indexing failed (${errorText(err)})` });
    if (committed && !report.changedRuns.includes(c.id)) report.changedRuns.push(c.id);
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
