// The seam between the store and the formats runs are kept in. A source finds runs under the roots and reads
// each one onward from a cursor the index persists; the store does the rest (indexing, user edits, queries) the
// same way for every source. Trackside's own logs are one source (trackside/); sources.ts lists them all.
import type { Stats } from 'node:fs';
import type { ParsePool } from '../ingest/parsePool';
import type { ParsedPart } from '../ingest/runParser';
import type { FileState, RunState } from '../ingest/runState';
import type { Diagnostic } from '../types';

export interface SourceCapabilities {
  /**
   * Nothing may be written beside the source's runs: the store reads no user edits (user.json) for them, and
   * their summaries say `readOnly` so the editor refuses to rename, tag or archive them.
   */
  readOnly: boolean;
  /**
   * Runs can still grow while they are watched. A run of a source that is not live never turns `crashed` by
   * going quiet: silence is all it will ever do.
   */
  live: boolean;
}

/** A run a source found. Its id is unique across sources (the first source and root to have an id keep it). */
export interface FoundRun {
  id: string;
  /** The root it was found under, and its folder (where user.json goes, for a source that is not read-only). */
  root: string;
  dir: string;
  /** The file whose size and mtime tell whether the run changed: what each pass stats, and diagnostics name. */
  log: string;
  source: RunSource;
}

/** What a pass gives the read of one run. */
export interface ReadPass {
  /** `log` as this pass saw it: reading stops at its size, so a writer appending meanwhile is left for the next. */
  stat: Stats;
  /** True when the run is read from the start, whatever its cursor says. */
  fromStart: boolean;
  /** Parse workers, for large passes; a source may ignore them. */
  pool?: ParsePool;
  /** A new point file a worker may seal a run read from the start into (see workerSeal.ts), if the index has one. */
  sealTarget(): Promise<{ path: string; name: string }> | undefined;
}

/** Where reading a run starts: its state and cursor as last committed (fresh ones when read from the start). */
export interface ReadFrom {
  state: RunState;
  /** The cursor: offset and lines read, the identity of what was read, and the reader's carried state. */
  file: FileState;
  /** Hand over a part whenever this many points are waiting, so memory stays bounded. */
  flushPoints: number;
}

/** One run opened for one pass. */
export interface RunReader {
  /** Whether `cursor` (committed earlier) still describes the run's data, i.e. it was not truncated or replaced. */
  resumes(cursor: FileState): Promise<boolean>;
  /** Records in a cursor about to be read from what identifies the data, for the next pass's resumes(). */
  stamp(cursor: FileState): Promise<void>;
  /**
   * Reads from the cursor on. Each part (state, the cursor it reached, new points) is committed by `commit`
   * before the next one is read, so a stop between parts loses and repeats nothing. `stopped` ends it early.
   */
  read(from: ReadFrom, commit: (part: ParsedPart) => Promise<void>, stopped: () => boolean): Promise<void>;
  close(): Promise<void>;
}

export interface RunSource {
  /** Stored with each run that is not Trackside's own (RunState.source), to find its source again. */
  readonly kind: string;
  readonly capabilities: SourceCapabilities;
  /** Every run under the roots; folders it cannot list go to `general`. */
  discover(roots: readonly string[], general: Diagnostic[]): Promise<FoundRun[]>;
  /** The run with this id under the first root that has it (for passes over given ids: no listing). */
  find(id: string, roots: readonly string[]): FoundRun | undefined;
  /** Opens a run for reading, or says in `general` why it cannot. */
  open(run: FoundRun, pass: ReadPass, general: Diagnostic[]): Promise<RunReader | undefined>;
}
