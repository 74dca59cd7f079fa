// Reading a Trackside log onward from its cursor: the byte offset after the last complete line read, and a
// fingerprint of the file's first bytes that tells a replaced file from a grown one. Large passes parse on
// worker threads (parsePool.ts), small ones here; both run parseRun, whose metrics fast path is the hot loop.
import { open, type FileHandle } from 'node:fs/promises';
import { errorText } from '../../ingest/quietFs';
import { parseRun, type ParseJob, type ParsedPart } from '../../ingest/runParser';
import type { FileState } from '../../ingest/runState';
import { printOf, stillPrinted } from '../../ingest/fingerprint';
import { headOf } from '../../ingest/tailer';
import type { Diagnostic } from '../../types';
import type { FoundRun, ReadFrom, ReadPass, RunReader } from '../runSource';
import { LOG_FILE } from './discovery';
import { SegmentsReader } from './segmentsReader';

export async function openLog(run: FoundRun, pass: ReadPass, general: Diagnostic[]): Promise<RunReader | undefined> {
  if (pass.files !== undefined) {
    // A distributed run (segments.ts): rank 0's log, when there is one yet, is read as any log, then the others.
    const main = pass.files.find((f) => f.rel === LOG_FILE);
    const reader = main === undefined ? undefined : await openLog(run, { ...pass, files: undefined, stat: main }, general);
    if (main !== undefined && reader === undefined) return undefined;
    return new SegmentsReader(run, pass.files, reader, pass.pool);
  }
  // A run read from scratch on a parse worker is sealed there too (see workerSeal.ts): the worker reads the
  // log's fingerprint and writes the new point file, and this thread opens nothing.
  const seal = pass.fromStart && pass.pool?.usable === true ? await pass.sealTarget() : undefined;
  let handle: FileHandle | undefined;
  if (seal === undefined) {
    try {
      handle = await open(run.log, 'r');
    } catch (err) {
      general.push({ file: run.log, reason: `cannot read the log (${errorText(err)})` });
      return undefined;
    }
  }
  return new LogReader(run.log, pass, handle, seal);
}

class LogReader implements RunReader {
  private head: Promise<{ head: Buffer; got: number }> | undefined;

  constructor(
    private readonly path: string,
    private readonly pass: ReadPass,
    private handle: FileHandle | undefined,
    private readonly seal: { path: string; name: string } | undefined,
  ) {}

  private headNow(): Promise<{ head: Buffer; got: number }> {
    return (this.head ??= this.handle === undefined ? Promise.resolve({ head: Buffer.alloc(0), got: 0 }) : headOf(this.handle));
  }

  async resumes(cursor: FileState): Promise<boolean> {
    const { head, got } = await this.headNow();
    return this.pass.stat.size >= cursor.offset && stillPrinted(cursor.fingerprint, head, got);
  }

  async stamp(cursor: FileState): Promise<void> {
    const { head, got } = await this.headNow();
    cursor.fingerprint = printOf(head, got);
    cursor.path = this.path;
  }

  async read(from: ReadFrom, commit: (part: ParsedPart) => Promise<void>, stopped: () => boolean): Promise<void> {
    const job: ParseJob = { end: this.pass.stat.size, ...from, ...(this.seal === undefined ? {} : { seal: this.seal }) };
    const pool = this.pass.pool;
    if (pool !== undefined && pool.usable) {
      await this.close();
      await pool.run(this.path, job, async (part) => {
        await commit(part);
        return !stopped();
      });
      return;
    }
    if (this.handle === undefined) throw new Error('the log was not opened');
    for await (const part of parseRun(this.handle, job, stopped)) await commit(part);
  }

  async close(): Promise<void> {
    const handle = this.handle;
    this.handle = undefined;
    await handle?.close().catch(() => undefined);
  }
}
