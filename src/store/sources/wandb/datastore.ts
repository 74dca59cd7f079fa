// The `run-<id>.wandb` record log (wandb/sdk/internal/datastore.py): a 7-byte header (":W&B", uint16 0xBEE1
// little-endian, version 0), then LevelDB's log format: 32 KiB blocks of chunks, each
//   uint32 CRC-32 (LE, zlib's, over the type byte and the data) · uint16 length (LE) · uint8 type · data
// with FULL = 1, FIRST = 2, MIDDLE = 3, LAST = 4, and zero padding where fewer than 7 bytes are left in a block.
// A damaged chunk loses the rest of its block, as in LevelDB's own reader (the next block starts a chunk); a
// record whose chunks do not pair up is dropped; each with a diagnostic at its byte offset.
import { crc32 } from '../binary/crc';
import type { ScanResult } from '../binary/tail';

export const BLOCK_BYTES = 32768;
export const CHUNK_HEADER_BYTES = 7;
export const FILE_HEADER_BYTES = 7;
export const FULL = 1;
export const FIRST = 2;
export const MIDDLE = 3;
export const LAST = 4;
/** Records longer than this stop the read (W&B's are history rows and configs: kilobytes). */
export const MAX_RECORD_BYTES = 64 << 20;

export interface LogSink {
  /** A whole record: `bytes[start, end)`, whose first chunk is at file offset `at`. */
  record(bytes: Uint8Array, start: number, end: number, at: number): void;
  problem(at: number, reason: string): void;
}

const TYPE_CRC = [0, 1, 2, 3, 4].map((t) => crc32(Uint8Array.of(t), 0, 1));

function u32(b: Uint8Array, i: number): number {
  return (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0;
}

/** Why the file's first 7 bytes are not a W&B log header, or undefined when they are. */
export function headerProblem(b: Uint8Array): string | undefined {
  if (b.length < FILE_HEADER_BYTES) return 'shorter than the 7-byte header';
  if (b[0] !== 0x3a || b[1] !== 0x57 || b[2] !== 0x26 || b[3] !== 0x42) return 'no ":W&B" header: not a W&B record log';
  if ((b[4] | (b[5] << 8)) !== 0xbee1) return 'bad magic number in the header';
  if (b[6] !== 0) return `log version ${b[6]} is not supported (only 0)`;
  return undefined;
}

/**
 * Scans `bytes`, which holds the file from offset `base` (past the header); `fileEnd` is its size as this pass
 * saw it. `next` is always a record boundary, so it can be the cursor; `need` is how many bytes from there
 * the window must hold to go on (0 when the file was read to its end).
 */
export function scanLog(bytes: Uint8Array, base: number, fileEnd: number, sink: LogSink): ScanResult {
  if (base < FILE_HEADER_BYTES) throw new Error('scanLog starts after the header');
  const end = base + bytes.length;
  let p = base;
  let recordStart = p;
  // Chunks of the record being assembled, as [start, end) pairs of indexes into `bytes`.
  let parts: number[] = [];
  const drop = (at: number, why: string) => {
    if (parts.length > 0) sink.problem(recordStart, `record starting here dropped: ${why} at byte ${at}`);
    parts = [];
  };
  // Bytes from recordStart the window must hold to go on, when it stops short.
  let want = 0;
  while (p < end) {
    const blockLeft = BLOCK_BYTES - (p % BLOCK_BYTES);
    if (blockLeft < CHUNK_HEADER_BYTES) {
      // The block's trailer: padding.
      if (p + blockLeft > end) {
        want = p + blockLeft + CHUNK_HEADER_BYTES - recordStart;
        break;
      }
      p += blockLeft;
      if (parts.length === 0) recordStart = p;
      continue;
    }
    if (p + CHUNK_HEADER_BYTES > end) {
      want = p + CHUNK_HEADER_BYTES - recordStart;
      break;
    }
    const i = p - base;
    const crc = u32(bytes, i);
    const length = bytes[i + 4] | (bytes[i + 5] << 8);
    const type = bytes[i + 6];
    if (CHUNK_HEADER_BYTES + length > blockLeft) {
      drop(p, 'a damaged chunk');
      sink.problem(p, `chunk of ${length} bytes overruns its block; the rest of the block skipped`);
      p += blockLeft;
      recordStart = p;
      continue;
    }
    if (p + CHUNK_HEADER_BYTES + length > end) {
      want = p + CHUNK_HEADER_BYTES + length - recordStart;
      break;
    }
    const dataStart = i + CHUNK_HEADER_BYTES;
    const dataEnd = dataStart + length;
    if (type < FULL || type > LAST || crc !== crc32(bytes, dataStart, dataEnd, TYPE_CRC[type])) {
      drop(p, 'a damaged chunk');
      sink.problem(p, type < FULL || type > LAST ? `chunk of unknown type ${type}; the rest of the block skipped` : 'bad chunk checksum; the rest of the block skipped');
      p += blockLeft;
      recordStart = p;
      continue;
    }
    const chunkAt = p;
    p += CHUNK_HEADER_BYTES + length;
    if (type === FULL || type === FIRST) {
      drop(chunkAt, `a new record`);
      recordStart = chunkAt;
      if (type === FULL) {
        sink.record(bytes, dataStart, dataEnd, chunkAt);
        recordStart = p;
      } else parts.push(dataStart, dataEnd);
    } else if (parts.length === 0) {
      sink.problem(chunkAt, `${type === MIDDLE ? 'middle' : 'last'} chunk of a record whose first chunk is missing; skipped`);
      recordStart = p;
    } else {
      parts.push(dataStart, dataEnd);
      if (type === LAST) {
        emit(bytes, parts, recordStart, sink);
        parts = [];
        recordStart = p;
      } else if (p - recordStart > MAX_RECORD_BYTES) {
        sink.problem(recordStart, `record longer than ${MAX_RECORD_BYTES >> 20} MiB; reading stops here`);
        return { next: recordStart, need: 0 };
      }
    }
  }
  // A record still open at the window's end needs at least the next chunk's header.
  if (want === 0 && parts.length > 0) want = p - recordStart + CHUNK_HEADER_BYTES;
  // A skip past a damaged chunk may reach beyond the window: it is kept (up to the file's end).
  if (want === 0 || recordStart >= fileEnd) return { next: Math.min(recordStart, fileEnd), need: 0 };
  return { next: recordStart, need: want };
}

function emit(bytes: Uint8Array, parts: number[], at: number, sink: LogSink): void {
  let size = 0;
  for (let k = 0; k < parts.length; k += 2) size += parts[k + 1] - parts[k];
  // Chunks of one record are not contiguous (headers sit between them): the one copy this reader makes.
  const out = new Uint8Array(size);
  let o = 0;
  for (let k = 0; k < parts.length; k += 2) {
    out.set(bytes.subarray(parts[k], parts[k + 1]), o);
    o += parts[k + 1] - parts[k];
  }
  sink.record(out, 0, size, at);
}
