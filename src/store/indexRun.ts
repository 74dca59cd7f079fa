// Indexing one run: tails its log from where the last pass stopped (in this thread or on a parse worker) and
// commits each parsed part, with the offset it reached, in one transaction.
import type { Stats } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { errorText, LOG_FILE, USER_FILE, type Candidate } from './discovery';
import type { IndexDb } from './indexDb';
import type { ParsePool } from './parsePool';
import { parseRun, REPORT_DETAILS, type ParseJob, type ParsedPart } from './runParser';
import { newFileState, newRunState, type FileState, type RunState } from './runState';
import type { CachedRun } from './runSummary';
import { emptyMeta, type SeriesMeta } from './seriesMeta';
import { fingerprintOf } from './tailer';
import type { Diagnostic, IndexReport } from './types';
import { parseUserEdits } from './userEdits';

/** Tunables; tests lower them to reach rare paths with small logs. */
export const limits = {
  /** A run with this many unwritten points is checkpointed mid-file, so memory stays bounded on huge logs. */
  flushPoints: 1 << 20,
  /** New log bytes in one pass from which parsing moves to worker threads. */
  workerBytes: 64 << 20,
};

/** What indexing a run writes to: the database, the store's runs in memory, and its unsaved-changes flag. */
export interface IndexTarget {
  db: IndexDb;
  runs: Map<string, CachedRun>;
  markDirty(): void;
}

export async function indexRun(target: IndexTarget, c: Candidate, logStat: Stats, userStat: Stats | undefined, report: IndexReport, general: Diagnostic[], signal?: AbortSignal, pool?: ParsePool): Promise<void> {
  const { db, runs } = target;
  const cached = runs.get(c.id);
  const path = join(c.dir, LOG_FILE);
  const sameRoot = cached !== undefined && cached.state.root === c.root;
  let state: RunState = sameRoot ? structuredClone(cached.state) : newRunState(c.id, c.root, c.dir);
  let file: FileState = sameRoot ? { ...cached.file } : newFileState(path);
  let series = new Map<string, SeriesMeta>();
  if (sameRoot) for (const [k, m] of cached.series) series.set(k, { ...m });
  let reset = !sameRoot;
  const passDetails: Array<{ line: number; reason: string }> = [];
  let passCount = 0;
  let committed = false;

  let handle;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    general.push({ file: path, reason: `cannot read the log (${errorText(err)})` });
    return;
  }
  try {
    const fingerprint = await fingerprintOf(handle);
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

    // Commits one part: its points, the state and the offset it reached, in one transaction.
    const commit = (part: ParsedPart): void => {
      state = part.state;
      file = part.file;
      if (part.complete) {
        file.size = logStat.size;
        file.mtimeMs = logStat.mtimeMs;
      }
      let added = 0;
      db.transaction(() => {
        if (reset) db.deleteRunData(c.id);
        for (const col of part.columns) {
          if (col.length === 0) continue;
          let meta = series.get(col.key);
          if (meta === undefined) series.set(col.key, (meta = emptyMeta()));
          db.appendSeries(c.id, col.key, meta, col);
          added += col.length;
        }
        db.writeRun(state, state.status ?? 'running', { params: true, tags: true, artifacts: true, problems: true });
        db.writeFile(c.id, file);
      });
      report.points += added;
      reset = false;
      committed = true;
      passCount += part.count;
      for (const d of part.details) if (passDetails.length < REPORT_DETAILS) passDetails.push(d);
      runs.set(c.id, { state: structuredClone(state), file: { ...file }, series: new Map([...series].map(([k, m]) => [k, { ...m }])) });
      target.markDirty();
    };

    const job: ParseJob = { end: logStat.size, state, file, flushPoints: limits.flushPoints };
    if (pool !== undefined && pool.usable) {
      await handle.close();
      handle = undefined;
      try {
        await pool.run(path, job, (part) => {
          commit(part);
          return !signal?.aborted;
        });
      } catch (err) {
        if (pool.usable) throw err;
        // The worker died: what it sent is committed; finish this run here from where it stopped.
        return await indexRun(target, c, logStat, userStat, report, general, signal);
      }
    } else {
      for await (const part of parseRun(handle, job, () => signal?.aborted === true)) commit(part);
    }
    report.changedRuns.push(c.id);
    if (passCount > 0) {
      report.diagnostics.push({ file: path, line: passDetails[0].line, reason: passDetails[0].reason, count: passCount, lines: passDetails });
    }
  } catch (err) {
    general.push({ file: path, reason: `indexing failed (${errorText(err)})` });
    if (committed && !report.changedRuns.includes(c.id)) report.changedRuns.push(c.id);
  } finally {
    await handle?.close().catch(() => undefined);
  }
}
