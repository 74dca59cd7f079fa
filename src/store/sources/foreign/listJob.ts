// Listing other tools' runs on a parse worker. A cold pass over a thousand MLflow runs listed and stat'ed some
// 22,000 folders and files from the indexer's thread, each call a promise and a trip through libuv's threads:
// 0.8 s of CPU where the same calls made synchronously cost 0.2 s, and the workers, waiting for runs to parse,
// had time to spare. Same listing (the source's `list`, files.ts listRun), same results; only the calls differ. Runs on a worker thread only.
import { lstatSync, readdirSync, statSync } from 'node:fs';
import type { ListIo, RunListing } from './files';
import { SOURCES } from '../sources';

export type Listing = RunListing | string | undefined;

const syncIo: ListIo = {
  // Async wrappers so a throw becomes the rejection listRun handles (ENOENT: gone; other codes: reported).
  readdir: async (path) => readdirSync(path, { withFileTypes: true }),
  stat: async (path) => statSync(path),
  lstat: async (path) => lstatSync(path),
};

/** The listings of `dirs`, runs of the source `kind`, in order. */
export async function listOnWorker(kind: string, dirs: readonly string[]): Promise<Listing[]> {
  const source = SOURCES.find((s) => s.kind === kind);
  if (source?.list === undefined) throw new Error(`no listing for runs of kind ${JSON.stringify(kind)}`);
  const list = source.list;
  const out: Listing[] = [];
  for (const dir of dirs) out.push(await list(dir, syncIo));
  return out;
}
