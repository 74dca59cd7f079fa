// The persisted index. Bump SCHEMA_VERSION whenever a table or an encoding changes: an index of another
// version is dropped and rebuilt from the logs, which are the source of truth.

export const SCHEMA_VERSION = 9;

export const SCHEMA = `
PRAGMA journal_mode = MEMORY;
PRAGMA synchronous = OFF;
-- Room for a whole pass's dirty pages (see IndexDb.pass): spilling them mid-pass would write them twice.
PRAGMA cache_size = -131072;
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- One row per run; state is the run's JSON (params, env, status…) as the indexer keeps it.
CREATE TABLE IF NOT EXISTS runs (
  id TEXT PRIMARY KEY, root TEXT NOT NULL, dir TEXT NOT NULL, name TEXT, project TEXT, status TEXT,
  start_time REAL, last_update REAL, state TEXT NOT NULL
);
-- Flattened params, typed: kind is 'number', 'string', 'boolean' or 'null'.
CREATE TABLE IF NOT EXISTS params (run TEXT NOT NULL, key TEXT NOT NULL, kind TEXT NOT NULL, num REAL, text TEXT, PRIMARY KEY (run, key));
CREATE TABLE IF NOT EXISTS tags (run TEXT NOT NULL, tag TEXT NOT NULL, PRIMARY KEY (run, tag));
CREATE TABLE IF NOT EXISTS artifacts (run TEXT NOT NULL, path TEXT NOT NULL, kind TEXT, size REAL, sha256 TEXT, time REAL, PRIMARY KEY (run, path));
-- Tail position of each run's log, committed in the same transaction as the data read up to it.
CREATE TABLE IF NOT EXISTS files (run TEXT PRIMARY KEY, state TEXT NOT NULL);
-- Per run × metric key: the summary and how many chunks hold its points.
CREATE TABLE IF NOT EXISTS series (
  run TEXT NOT NULL, key TEXT NOT NULL, count INTEGER NOT NULL, last REAL, last_step REAL, min REAL, max REAL,
  monotone INTEGER NOT NULL, chunks INTEGER NOT NULL, tail_n INTEGER NOT NULL, max_step REAL,
  PRIMARY KEY (run, key)
);
-- Points, CHUNK_POINTS at most per row, in append order (seq). See chunks.ts for the encoding. A sealed chunk
-- lives in the run's point file, its body at byte pos and its overview at byte ov (see pointFiles.ts); only a
-- live series' short tail keeps its blobs here (pos NULL).
CREATE TABLE IF NOT EXISTS chunks (
  run TEXT NOT NULL, key TEXT NOT NULL, seq INTEGER NOT NULL, n INTEGER NOT NULL,
  step0 REAL NOT NULL, stride REAL, steps BLOB, times BLOB, vals BLOB, pos INTEGER, ov INTEGER,
  step_min REAL, step_max REAL, time_min REAL, time_max REAL,
  PRIMARY KEY (run, key, seq)
);
-- Media records (issue 16): one row per run × key × step (a step logged again replaces the row); data is the
-- record's kind-specific fields as JSON (mediaRecord.ts MediaData). Files stay in the run folder, checked on read.
CREATE TABLE IF NOT EXISTS media (run TEXT NOT NULL, key TEXT NOT NULL, step INTEGER NOT NULL, kind TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (run, key, step));
CREATE TABLE IF NOT EXISTS diagnostics (run TEXT NOT NULL, file TEXT NOT NULL, line INTEGER, reason TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS diagnostics_run ON diagnostics (run);
`;
