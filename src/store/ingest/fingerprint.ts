// What a cursor keeps of a file's first bytes, to tell a rewritten file from a grown one: how many bytes were
// there (up to FINGERPRINT_BYTES) and their CRC-32, `"256:1a2b3c4d"`. The bytes themselves, as hex, were 512
// characters a file: most of a cursor row for a run of many files (an MLflow run's metric files), written with
// every part it commits and kept in the persisted index.
import { crc32 } from 'node:zlib';

export const FINGERPRINT_BYTES = 256;

/** The print of `head[0, n)` (n is capped at FINGERPRINT_BYTES); '' for an empty file: nothing known yet. */
export function printOf(head: Uint8Array, n: number): string {
  const len = Math.min(n, FINGERPRINT_BYTES, head.length);
  if (len <= 0) return '';
  return `${len}:${crc32(head.subarray(0, len)).toString(16)}`;
}

/** Whether a file whose first bytes are now `head[0, got)` still begins with what `print` was taken of. */
export function stillPrinted(print: string, head: Uint8Array, got: number): boolean {
  if (print === '') return true;
  const len = printedBytes(print);
  return len <= got && printOf(head, len) === print;
}

/** Whether the print covers FINGERPRINT_BYTES; a shorter one is taken again as its file grows. */
export function printComplete(print: string): boolean {
  return printedBytes(print) >= FINGERPRINT_BYTES;
}

function printedBytes(print: string): number {
  if (print === '') return 0;
  const colon = print.indexOf(':');
  const n = colon > 0 ? Number(print.slice(0, colon)) : NaN;
  // Not a print this version writes (the schema bump drops older indexes): it matches no file, read afresh.
  return Number.isInteger(n) && n > 0 ? n : Infinity;
}
