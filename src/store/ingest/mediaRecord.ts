// `t: "media"` records (/work/specs/media.md): checked field by field into what the index keeps per key and step.
// Media lines are rare next to metrics, so they go through the general JSON parser; nothing here is on the hot path.
// Every string stays untrusted text: paths are checked when a file is opened (query/mediaPaths.ts), not here.
import { numberFrom } from './floats';
import type { Complain } from './records';
import type { RunState } from './runState';
import type { MediaHistogram, MediaKind } from '../types';

/** What one media record adds to the index: a row of the `media` table. */
export interface MediaRow {
  key: string;
  kind: MediaKind;
  step: number;
  /** The record's kind-specific fields, normalised (see MediaData). */
  data: MediaData;
}

export interface ImageItemData {
  path: string;
  width?: number;
  height?: number;
  format?: string;
  bytes?: number;
  caption?: string;
  warning?: string;
}

export interface MediaData {
  warning?: string;
  items?: ImageItemData[];
  hist?: MediaHistogram;
  path?: string;
  columns?: string[];
  nrows?: number;
  truncated?: boolean;
  chars?: number;
  preview?: string;
}

/** Per key: its kind, steps logged, first and last step. Kept in RunState (small: one entry per key). */
export interface MediaKeyState {
  kind: MediaKind;
  count: number;
  first: number;
  last: number;
}

const KINDS: ReadonlySet<string> = new Set(['image', 'histogram', 'table', 'text']);
/** The contract caps histograms at 512 bins; a little room for writers that round up. */
const MAX_BINS = 4096;
const MAX_ITEMS = 1000;
const MAX_COLUMNS = 10_000;

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function count(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
}

function put<T extends object, K extends keyof T>(o: T, k: K, v: T[K] | undefined): void {
  if (v !== undefined) o[k] = v;
}

function imageItem(v: unknown): ImageItemData | undefined {
  if (!isObject(v) || typeof v.path !== 'string') return undefined;
  const item: ImageItemData = { path: v.path };
  put(item, 'width', count(v.width));
  put(item, 'height', count(v.height));
  put(item, 'format', str(v.format));
  put(item, 'bytes', count(v.bytes));
  put(item, 'caption', str(v.caption));
  put(item, 'warning', str(v.warning));
  return item;
}

function numbers(v: unknown, max: number): number[] | undefined {
  if (!Array.isArray(v) || v.length > max) return undefined;
  const out: number[] = [];
  for (const x of v) {
    const n = numberFrom(x);
    if (n === undefined) return undefined;
    out.push(n);
  }
  return out;
}

function histogram(v: unknown): MediaHistogram | undefined {
  if (!isObject(v)) return undefined;
  const edges = numbers(v.edges, MAX_BINS + 1);
  const counts = numbers(v.counts, MAX_BINS);
  if (edges === undefined || counts === undefined || counts.length === 0 || edges.length !== counts.length + 1) return undefined;
  if (!edges.every(Number.isFinite)) return undefined;
  const n = (x: unknown, fallback: number) => numberFrom(x) ?? fallback;
  const total = counts.reduce((a, b) => a + b, 0);
  return { edges, counts, count: n(v.count, total), min: n(v.min, edges[0]), max: n(v.max, edges[edges.length - 1]), nan: n(v.nan, 0), posinf: n(v.posinf, 0), neginf: n(v.neginf, 0) };
}

/** Reads a media record at `step` (the caller resolved a missing step to the run's current one). */
export function parseMedia(rec: Record<string, unknown>, step: number, complain: Complain): MediaRow | undefined {
  const key = rec.key;
  if (typeof key !== 'string' || key === '') {
    complain('media "key" should be a non-empty string');
    return undefined;
  }
  const kind = rec.kind;
  if (typeof kind !== 'string' || !KINDS.has(kind)) {
    // A kind from a newer writer: skipped, as unknown record kinds are.
    return undefined;
  }
  const data: MediaData = {};
  put(data, 'warning', str(rec.warning));
  switch (kind) {
    case 'image': {
      if (!Array.isArray(rec.items)) {
        complain('media "items" should be a list of images');
        return undefined;
      }
      const items = rec.items.slice(0, MAX_ITEMS).map(imageItem);
      if (items.some((i) => i === undefined)) complain('a media image should have a string "path"');
      data.items = items.filter((i): i is ImageItemData => i !== undefined);
      break;
    }
    case 'histogram': {
      const hist = histogram(rec.hist);
      if (hist === undefined) {
        complain('media "hist" should have numeric "edges" (one more than "counts") and "counts"');
        return undefined;
      }
      data.hist = hist;
      break;
    }
    case 'table':
    case 'text': {
      if (typeof rec.path !== 'string') {
        complain(`media ${kind} should have a string "path"`);
        return undefined;
      }
      data.path = rec.path;
      if (kind === 'table') {
        const columns = Array.isArray(rec.columns) ? rec.columns.slice(0, MAX_COLUMNS).map((c) => (typeof c === 'string' ? c : String(c))) : [];
        data.columns = columns;
        put(data, 'nrows', count(rec.nrows));
        data.truncated = rec.truncated === true;
      } else {
        put(data, 'chars', count(rec.chars));
        put(data, 'preview', str(rec.preview));
      }
      break;
    }
  }
  return { key, kind: kind as MediaKind, step, data };
}

/** Notes a media row in the run's per-key summary. A step logged again still counts once more (rare). */
export function noteMedia(state: RunState, row: MediaRow): void {
  const media = (state.media ??= {});
  const had = Object.hasOwn(media, row.key) ? media[row.key] : undefined;
  const next: MediaKeyState = had === undefined ? { kind: row.kind, count: 1, first: row.step, last: row.step } : { kind: row.kind, count: had.count + 1, first: Math.min(had.first, row.step), last: Math.max(had.last, row.step) };
  if (row.key === '__proto__') Object.defineProperty(media, row.key, { value: next, enumerable: true, writable: true, configurable: true });
  else media[row.key] = next;
}
