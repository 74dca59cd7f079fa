// The seam between the store and the formats runs are kept in. A source finds runs under the roots and reads
// each one onward from a cursor the index persists; the store does the rest (indexing, user edits, queries) the
// same way for every source. Trackside's own logs are one source (trackside/); sources.ts lists them all.
import type { ParsePool } from '../ingest/parsePool';
import type { ListIo, RunListing } from './foreign/files';
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
  /**
   * What a live run that went quiet without an end is shown as: `crashed` (the default: the format records an
   * end, so silence means the process died) or, for formats that record no end at all, `finished`.
   */
  quietStatus?: 'crashed' | 'finished';
}

/** A run a source found. Its id is unique across sources (the first source and root to have an id keep it). */
export interface FoundRun {
  id: string;
  /** The root it was found under, and its folder (where user.json goes, for a source that is not read-only). */
  root: string;
  dir: string;
  /**
   * The file whose size and mtime tell whether the run changed: what each pass stats, and diagnostics name. For a
   * run made of many files (a source with `scan`), the run's main file, named by diagnostics about the run.
   */
  log: string;
  source: RunSource;
  /**
   * Where the user's edits (user.json) live, when not beside the run: a read-only source's side folder (set by
   * the store, see editsDirOf in sources.ts). Unset, they are in `dir`, unless the source is read-only (then none).
   */
  editsDir?: string;
}

/** What a pass saw of a run's data: `log`'s stat, or for a run made of many files the sum of their sizes and the
 * newest mtime (any file growing, appearing or going changes one of them). */
export interface LogStat {
  size: number;
  mtimeMs: number;
}

/** One file of a run made of many (see RunSource.scan): its path relative to the run folder, and its stat. */
export interface ScannedFile {
  rel: string;
  size: number;
  mtimeMs: number;
}

export interface RunScan extends LogStat {
  files: ScannedFile[];
  /** Symbolic links among the run's files: never followed, reported when the run is read. */
  links?: string[];
}

/** A folder the shared walk of the scan folders (foreign/walk.ts) offers each source that claims folders. */
export interface WalkedFolder {
  /** Absolute path, and its path relative to the scan folder it was found under. */
  dir: string;
  rel: string;
  /** The scan folder. */
  root: string;
  /** Its entries: names of files and of folders (symlinks are left out: nothing is followed out of a folder). */
  files: ReadonlySet<string>;
  dirs: ReadonlySet<string>;
}

/** What a source claims of a walked folder: runs, and whether the walk should still look inside the folder. */
export interface Claim {
  runs: Array<{ id: string; dir: string; log: string }>;
  /** True when the folder (a run, or a store of runs this source listed itself) needs no further walking. */
  stop?: boolean;
}

/** What a pass gives the read of one run. */
export interface ReadPass {
  /** `log` as this pass saw it: reading stops at its size, so a writer appending meanwhile is left for the next. */
  stat: LogStat;
  /** For a source with `scan`: every file of the run as this pass saw it; read each no further than its size. */
  files?: ScannedFile[];
  links?: string[];
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
  /**
   * Foreign formats found anywhere under the scan folders (not in a root's `runs/`) claim folders of one shared,
   * bounded walk instead of listing by themselves (see foreign/walk.ts); `discover` then walks for that source
   * alone (tests, a single source).
   */
  claim?(folder: WalkedFolder): Claim | undefined;
  /**
   * For a run made of many files: lists and stats them all (asynchronously, many at once: see
   * foreign/ioSlots.ts). Undefined when the run is gone, text when it cannot be read. Without it the pass stats
   * `log` alone.
   */
  scan?(run: FoundRun, pool?: ParsePool): Promise<RunScan | string | undefined>;
  /**
   * What `scan` lists, with the calls given: a parse worker lists with synchronous ones (foreign/listJob.ts), and
   * `scan` asks the pool for that when the pass has one.
   */
  list?(dir: string, io: ListIo): Promise<RunListing | string | undefined>;
  /** Opens a run for reading, or says in `general` why it cannot. */
  open(run: FoundRun, pass: ReadPass, general: Diagnostic[]): Promise<RunReader | undefined>;
}
