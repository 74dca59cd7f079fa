// Reading a fetched team run from what the ref holds: its meta.json as records (metaRecords.ts) and its points
// straight from series.bin, no log text in between. The cache is written whole by a fetch and swapped in by a
// rename, so a changed run is read again from the start: there is no cursor to resume from.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseWithFloats } from '../../ingest/floats';
import { errorText } from '../../ingest/quietFs';
import { applyRecord } from '../../ingest/records';
import { PendingPoints } from '../../ingest/seriesBuffer';
import type { Diagnostic } from '../../types';
import { PartBuilder } from '../foreign/partBuilder';
import type { FoundRun, ReadPass, RunReader } from '../runSource';
import { metaRecords } from './metaRecords';
import { decodeSeries } from './seriesCodec';

export const META_FILE = 'meta.json';
export const SERIES_FILE = 'series.bin';
/** Beside each cached run: where it came from and which blobs it was written from (the fetch writes it last). */
export const ORIGIN_FILE = 'team-origin.json';

/** Caps for a cache edited by hand; a fetch checks the same before writing (src/team/materialise.ts). */
const MAX_META = 4 << 20;
const MAX_SERIES = 128 << 20;
const MAX_POINTS = 5_000_000;

interface Origin {
  author: string;
  host: string;
  owner: string;
  remote: string;
}

async function readCapped(path: string, cap: number): Promise<Buffer | undefined> {
  const bytes = await readFile(path).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (bytes !== undefined && bytes.length > cap) throw new Error(`${path} is ${bytes.length} bytes (at most ${cap})`);
  return bytes;
}

function originOf(text: string | undefined, owner: string): Origin {
  let o: Record<string, unknown> = {};
  try {
    const v: unknown = text === undefined ? undefined : JSON.parse(text);
    if (v !== null && typeof v === 'object') o = v as Record<string, unknown>;
  } catch {
    // Written by the fetch; unreadable only if edited by hand: the owner folder still says who.
  }
  const s = (v: unknown, fallback: string) => (typeof v === 'string' ? v.slice(0, 200) : fallback);
  return { author: s(o.author, owner.split('@')[0]), host: s(o.host, owner.split('@')[1] ?? ''), owner, remote: s(o.remote, '') };
}

const validStep = (step: number) => Number.isInteger(step) && step >= 0 && step <= Number.MAX_SAFE_INTEGER;

export async function openTeamRun(run: FoundRun, _pass: ReadPass, general: Diagnostic[]): Promise<RunReader | undefined> {
  const owner = run.dir.split(/[\\/]/).slice(-3)[0];
  return {
    // Every change is a whole new copy of the run (see above).
    resumes: async () => false,
    stamp: async (cursor) => {
      cursor.path = run.log;
    },
    async read(from, commit, stopped) {
      const builder = new PartBuilder(from, commit, stopped);
      const problem = (file: string, reason: string) => builder.problem(file, undefined, reason);
      let metaBytes: Buffer | undefined;
      let seriesBytes: Buffer | undefined;
      let originText: string | undefined;
      try {
        [metaBytes, seriesBytes, originText] = await Promise.all([
          readCapped(join(run.dir, META_FILE), MAX_META),
          readCapped(join(run.dir, SERIES_FILE), MAX_SERIES),
          readFile(join(run.dir, ORIGIN_FILE), 'utf8').catch(() => undefined),
        ]);
      } catch (err) {
        general.push({ file: run.dir, reason: `cannot read the fetched run (${errorText(err)})` });
      }
      let meta: unknown = {};
      if (metaBytes === undefined) problem(META_FILE, 'missing; fetch again');
      else {
        try {
          meta = parseWithFloats(metaBytes.toString('utf8'));
        } catch (err) {
          problem(META_FILE, `not JSON (${errorText(err)})`);
        }
      }
      const file = builder.file;
      const none = new PendingPoints();
      for (const rec of metaRecords(run.id, meta, originOf(originText, owner))) applyRecord(builder.state, file, rec, none, (reason) => problem(META_FILE, reason));
      if (seriesBytes !== undefined) {
        let series: ReturnType<typeof decodeSeries> = [];
        try {
          series = decodeSeries(seriesBytes, MAX_POINTS);
        } catch (err) {
          problem(SERIES_FILE, errorText(err));
        }
        for (const s of series) {
          const { key, steps, times, values } = s;
          for (let i = 0; i < steps.length; i++) if (validStep(steps[i])) builder.point(key, steps[i], times[i], values[i]);
          if (!(await builder.flush())) return;
        }
      }
      await builder.finish();
    },
    close: async () => undefined,
  };
}
