// The rows a run's state is written as: the run itself, its params, tags, artifacts and bad lines.
import type { SqlValue } from 'sql.js';
import { stringifyWithFloats } from '../ingest/floats';
import type { RunState } from '../ingest/runState';
import type { ParamValue } from '../types';

export interface RunParts {
  params: boolean;
  tags: boolean;
  artifacts: boolean;
  problems: boolean;
}

/**
 * Writes a run row and, as asked, the rows derived from its state, replacing those it had unless `replace` is
 * false (the run has none); `run` executes one prepared statement.
 */
export function writeRunRows(run: (sql: string, params: SqlValue[]) => void, state: RunState, status: string, what: RunParts, replace = true): void {
  const id = state.id;
  run('INSERT OR REPLACE INTO runs (id, root, dir, name, project, status, start_time, last_update, state) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)', [
    id,
    state.root,
    state.dir,
    state.user?.name ?? state.name ?? id,
    state.project ?? '',
    status,
    state.startTime ?? state.firstTime ?? null,
    state.lastUpdate ?? null,
    stringifyWithFloats(state),
  ]);
  if (what.params) {
    if (replace) run('DELETE FROM params WHERE run = ?', [id]);
    for (const [key, value] of Object.entries(state.params)) run('INSERT INTO params (run, key, kind, num, text) VALUES (?, ?, ?, ?, ?)', [id, key, ...typed(value)]);
  }
  if (what.tags) {
    if (replace) run('DELETE FROM tags WHERE run = ?', [id]);
    for (const tag of new Set(state.user?.tags ?? state.tags)) run('INSERT INTO tags (run, tag) VALUES (?, ?)', [id, tag]);
  }
  if (what.artifacts) {
    if (replace) run('DELETE FROM artifacts WHERE run = ?', [id]);
    for (const a of state.artifacts) {
      run('INSERT OR REPLACE INTO artifacts (run, path, kind, size, sha256, time) VALUES (?, ?, ?, ?, ?, ?)', [id, a.path, a.kind ?? null, a.size ?? null, a.sha256 ?? null, a.time]);
    }
  }
  if (what.problems) {
    if (replace) run('DELETE FROM diagnostics WHERE run = ?', [id]);
    for (const p of state.problems.first) run('INSERT INTO diagnostics (run, file, line, reason) VALUES (?, ?, ?, ?)', [id, 'events.jsonl', p.line, p.reason]);
  }
}

function typed(value: ParamValue): [string, number | null, string | null] {
  if (value === null) return ['null', null, null];
  if (typeof value === 'number') return ['number', value, Number.isNaN(value) ? 'NaN' : null];
  if (typeof value === 'boolean') return ['boolean', value ? 1 : 0, null];
  return ['string', null, value];
}
