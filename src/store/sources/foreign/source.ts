// A foreign format as a RunSource: read-only (edits go to the side folder, see sources.ts editsDirOf), found by
// claiming folders of the shared walk, changed when any of its files changed, and read by a format function
// over a PartBuilder. Each format's folder gives only what is its own: which folders are runs, which files of a
// run matter, and how to read them.
import type { Claim, RunSource, ScannedFile, WalkedFolder } from '../runSource';
import { listRun } from './files';
import { foreignReader, type ReadFormat } from './reader';
import { walkFolders } from './walk';

export interface ForeignFormat {
  kind: string;
  /** Whether its runs can still grow while watched (a quiet running run then turns crashed). */
  live: boolean;
  /** See SourceCapabilities.quietStatus. */
  quietStatus?: 'crashed' | 'finished';
  claim(folder: WalkedFolder): Claim | undefined;
  /** Which files and folders of a run folder (relative, with `/`) the format reads. */
  wanted(rel: string, isFolder: boolean): boolean;
  /** Fixed files outside the run folder the format defines (MLflow's `../meta.yaml`); regular files only. */
  extra?: readonly string[];
  read: ReadFormat;
  /** Files rewritten whole whose change means reading the run again from the start (see foreignReader). */
  restartOn?(rel: string): boolean;
  /** A run the format itself marks as gone (MLflow's deleted runs): not listed, and dropped from the index. */
  hidden?(dir: string, files: readonly ScannedFile[]): Promise<boolean>;
}

export function foreignSource(format: ForeignFormat): RunSource {
  const source: RunSource = {
    kind: format.kind,
    capabilities: { readOnly: true, live: format.live, ...(format.quietStatus === undefined ? {} : { quietStatus: format.quietStatus }) },
    claim: (folder) => format.claim(folder),
    async discover(roots, general) {
      return (await walkFolders([source], roots, general)).get(source) ?? [];
    },
    // New foreign runs are found by a full pass (their ids are not folder names under a root).
    find: () => undefined,
    async scan(run, pool) {
      const listing = pool?.usable === true ? await pool.list(format.kind, run.dir).catch(() => listRun(run.dir, format.wanted, format.extra)) : await listRun(run.dir, format.wanted, format.extra);
      if (listing === undefined || typeof listing === 'string') return listing;
      return (await format.hidden?.(run.dir, listing.files)) === true ? undefined : listing;
    },
    list: (dir, io) => listRun(dir, format.wanted, format.extra, io),
    open: async (run, pass) => foreignReader(run, pass, format.read, format.restartOn),
  };
  return source;
}
