// The sql.js database of an index whose runs came from the snapshot beside its image: opened on first use. A warm
// start with nothing changed never needs it (the runs, the stat of every log and full views from overviews are
// all outside it), and opening it (SQLite's first statements, with sql.js's wasm compiled function by function
// as they first run) was a fifth of such a start.
import type { SqlRuntime } from './sqlite';
import { ChunkReader, type ChunkFilter } from './chunkReader';
import type { ChunkData } from './chunks';
import { IndexDb } from './indexDb';
import type { ChunkOverview } from './overview';
import type { PointFiles, ReadScratch } from './pointFiles';
import type { SeriesMeta } from './seriesMeta';

export class LazyIndex {
  private opened: IndexDb | undefined;
  private image: Uint8Array | undefined;
  /** A pass is running: a database opened now begins its transaction (see IndexDb.pass). */
  private passing = false;
  private begun = false;
  /** Reads overviews by their spans without the database; asks it only for a live tail's row. */
  private readonly reader: ChunkReader;

  /**
   * `image`: the persisted image, checked by its file's checksum, or undefined for a new index. `damaged` hears
   * why the image could not be opened after all: the store then starts from an empty index.
   */
  constructor(
    private readonly runtime: SqlRuntime,
    image: Uint8Array | undefined,
    readonly files: PointFiles,
    private readonly damaged: (why: string) => void,
  ) {
    this.image = image;
    this.reader = new ChunkReader((sql) => this.db.statement(sql), files);
  }

  static of(db: IndexDb, runtime: SqlRuntime): LazyIndex {
    const lazy = new LazyIndex(runtime, undefined, db.files, () => undefined);
    lazy.opened = db;
    return lazy;
  }

  get db(): IndexDb {
    if (this.opened === undefined) {
      const image = this.image;
      this.image = undefined;
      if (image === undefined) this.opened = IndexDb.fresh(this.runtime, this.files);
      else {
        try {
          this.opened = IndexDb.openImage(this.runtime, image, this.files);
        } catch (err) {
          this.opened = IndexDb.fresh(this.runtime, this.files);
          this.damaged(err instanceof Error ? err.message : String(err));
        }
      }
      if (this.passing) {
        this.opened.begin();
        this.begun = true;
      }
    }
    return this.opened;
  }

  get isOpen(): boolean {
    return this.opened !== undefined;
  }

  /** IndexDb.pass, without opening the database for a pass that never writes. */
  async pass<T>(fn: () => Promise<T>): Promise<T> {
    if (this.opened !== undefined) return this.opened.pass(fn);
    this.passing = true;
    try {
      return await fn();
    } finally {
      this.passing = false;
      if (this.begun) {
        this.begun = false;
        // Opened by a read or a write during the pass (the getter), which TypeScript cannot see here.
        (this.opened as IndexDb | undefined)?.commit();
      }
    }
  }

  /** IndexDb.fetchOverviews; a series whose overviews have spans and no live tail needs no database. */
  fetchOverviews(run: string, key: string, file: string | undefined, meta: SeriesMeta, scratch?: ReadScratch): Promise<ChunkOverview[]> {
    if (this.opened === undefined && meta.ovSpans !== undefined && file !== undefined && meta.tailN === 0) {
      return this.reader.overviewsFromSpans(run, key, file, meta.ovSpans, undefined, scratch);
    }
    return this.db.fetchOverviews(run, key, file, meta, scratch);
  }

  fetchChunks(run: string, key: string, file: string | undefined, filter: ChunkFilter, scratch?: ReadScratch): Promise<ChunkData[]> {
    return this.db.fetchChunks(run, key, file, filter, scratch);
  }

  close(): void {
    this.image = undefined;
    this.opened?.close();
  }
}
