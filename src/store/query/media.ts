// Media answers: a run's keys, a key's steps, what a key holds at a step (files checked now, never trusted from the
// log), histograms over steps rebinned for a heat map, and pages of sorted table rows.
import { open, readFile, stat } from 'node:fs/promises';
import type { IndexDb } from '../index/indexDb';
import { parseWithFloats } from '../ingest/floats';
import type { MediaData } from '../ingest/mediaRecord';
import type { RunState } from '../ingest/runState';
import type { HistogramSeries, MediaFile, MediaKeyInfo, MediaKind, MediaStep, TableCell, TablePage, TableRequest, TextPage } from '../types';
import { mediaFile, type RootCache } from './mediaPaths';

/** Steps past any a log can hold: "latest". */
const LATEST = Number.MAX_SAFE_INTEGER;

export function mediaKeys(state: RunState): MediaKeyInfo[] {
  const media = state.media;
  if (media === undefined) return [];
  return Object.keys(media)
    .sort()
    .map((key) => ({ key, kind: media[key].kind, count: media[key].count, firstStep: media[key].first, lastStep: media[key].last }));
}

export function mediaSteps(db: IndexDb, runId: string, key: string): number[] {
  const steps: number[] = [];
  db.query('SELECT step FROM media WHERE run = ? AND key = ? ORDER BY step', [runId, key], (r) => steps.push(Number(r[0])));
  return steps;
}

interface Row {
  step: number;
  kind: MediaKind;
  data: MediaData;
}

/** The row at the nearest step ≤ `step`; undefined when the key was first logged after it. */
export function mediaRow(db: IndexDb, runId: string, key: string, step: number | 'latest'): Row | undefined {
  let row: Row | undefined;
  const at = step === 'latest' ? LATEST : step;
  db.query('SELECT step, kind, data FROM media WHERE run = ? AND key = ? AND step <= ? ORDER BY step DESC LIMIT 1', [runId, key, at], (r) => {
    row = { step: Number(r[0]), kind: String(r[1]) as MediaKind, data: parseWithFloats<MediaData>(String(r[2])) };
  });
  return row;
}

export async function mediaAt(db: IndexDb, state: RunState, key: string, step: number | 'latest'): Promise<MediaStep | undefined> {
  const row = mediaRow(db, state.id, key, step);
  if (row === undefined) return undefined;
  const roots: RootCache = new Map();
  const d = row.data;
  const out: MediaStep = { key, kind: row.kind, step: row.step };
  if (d.warning !== undefined) out.warning = d.warning;
  switch (row.kind) {
    case 'image':
      out.images = await Promise.all(
        (d.items ?? []).map(async ({ path, ...rest }) => ({ file: await mediaFile(state.dir, path, roots), ...rest })),
      );
      break;
    case 'histogram':
      if (d.hist !== undefined) out.hist = d.hist;
      break;
    case 'table':
      out.table = { file: await mediaFile(state.dir, d.path ?? '', roots), columns: d.columns ?? [], nrows: d.nrows ?? 0, truncated: d.truncated === true };
      break;
    case 'text':
      out.text = { file: await mediaFile(state.dir, d.path ?? '', roots), chars: d.chars ?? 0, preview: d.preview ?? '' };
      break;
  }
  return out;
}

/** Indices of `n` items thinned to `budget`, evenly spread, first and last kept. */
export function spread(n: number, budget: number): number[] {
  if (n <= budget) return Array.from({ length: n }, (_, i) => i);
  if (budget <= 1) return [n - 1];
  const out: number[] = [];
  for (let i = 0; i < budget; i++) out.push(Math.round((i * (n - 1)) / (budget - 1)));
  return out;
}

/**
 * A histogram key over steps. Each step's bins are spread onto `bins` common bins over the widest range any shown
 * step covers, in proportion to their overlap (a value is assumed uniform within its bin, as TensorBoard does).
 */
export function histogramSeries(db: IndexDb, runId: string, key: string, budget: number, bins = 64): HistogramSeries | undefined {
  const steps: number[] = [];
  db.query("SELECT step FROM media WHERE run = ? AND key = ? AND kind = 'histogram' ORDER BY step", [runId, key], (r) => steps.push(Number(r[0])));
  if (steps.length === 0) return undefined;
  const picked = spread(steps.length, Math.max(1, budget)).map((i) => steps[i]);
  const hists: Array<{ step: number; edges: number[]; counts: number[] }> = [];
  for (const step of picked) {
    db.query('SELECT data FROM media WHERE run = ? AND key = ? AND step = ?', [runId, key, step], (r) => {
      const h = parseWithFloats<MediaData>(String(r[0])).hist;
      if (h !== undefined) hists.push({ step, edges: h.edges, counts: h.counts });
    });
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (const h of hists) {
    lo = Math.min(lo, h.edges[0]);
    hi = Math.max(hi, h.edges[h.edges.length - 1]);
  }
  if (!(hi > lo)) hi = lo + 1;
  const width = (hi - lo) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, i) => lo + i * width);
  const counts = hists.map((h) => rebin(h.edges, h.counts, lo, width, bins));
  return { key, steps: hists.map((h) => h.step), edges, counts, total: steps.length };
}

function rebin(edges: number[], counts: number[], lo: number, width: number, bins: number): number[] {
  const out = new Array<number>(bins).fill(0);
  for (let i = 0; i < counts.length; i++) {
    const a = edges[i];
    const b = edges[i + 1];
    const c = counts[i];
    if (!(c > 0) || !(b >= a)) continue;
    if (b === a) {
      out[Math.min(bins - 1, Math.max(0, Math.floor((a - lo) / width)))] += c;
      continue;
    }
    const first = Math.max(0, Math.floor((a - lo) / width));
    const last = Math.min(bins - 1, Math.floor((b - lo) / width));
    for (let k = first; k <= last; k++) {
      const overlap = Math.min(b, lo + (k + 1) * width) - Math.max(a, lo + k * width);
      if (overlap > 0) out[k] += (c * overlap) / (b - a);
    }
  }
  return out;
}

/** Tables larger than this are not read (the logger caps rows long before; a hand-made file might not). */
const MAX_TABLE_BYTES = 256 << 20;
const TABLES_KEPT = 4;

interface ParsedTable {
  size: number;
  mtimeMs: number;
  columns: string[];
  rows: TableCell[][];
  problem?: string;
  /** Row orders already sorted, by `column:descending`. */
  orders: Map<string, Uint32Array>;
}

/** Parsed table files, by absolute path; checked against size and mtime on every use. */
export class TableCache {
  private readonly tables = new Map<string, ParsedTable>();

  async get(abs: string, runDir: string, roots: RootCache): Promise<ParsedTable> {
    const s = await stat(abs);
    const had = this.tables.get(abs);
    if (had !== undefined && had.size === s.size && had.mtimeMs === s.mtimeMs) {
      // Most recently used last.
      this.tables.delete(abs);
      this.tables.set(abs, had);
      return had;
    }
    const t: ParsedTable = { size: s.size, mtimeMs: s.mtimeMs, columns: [], rows: [], orders: new Map() };
    if (s.size > MAX_TABLE_BYTES) t.problem = `the table file is larger than ${MAX_TABLE_BYTES >> 20} MB`;
    else {
      try {
        const raw = parseWithFloats<unknown>(await readFile(abs, 'utf8'));
        await readTable(raw, t, runDir, roots);
      } catch (err) {
        t.problem = `the table file is not valid JSON (${err instanceof Error ? err.message : String(err)})`;
      }
    }
    this.tables.set(abs, t);
    while (this.tables.size > TABLES_KEPT) this.tables.delete(this.tables.keys().next().value as string);
    return t;
  }

  clear(): void {
    this.tables.clear();
  }
}

async function readTable(raw: unknown, t: ParsedTable, runDir: string, roots: RootCache): Promise<void> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw new Error('not an object');
  const o = raw as { columns?: unknown; rows?: unknown };
  t.columns = Array.isArray(o.columns) ? o.columns.map((c) => (typeof c === 'string' ? c : String(c))) : [];
  const rows = Array.isArray(o.rows) ? o.rows : [];
  const images: Array<Promise<void>> = [];
  for (const r of rows) {
    if (!Array.isArray(r)) continue;
    const row: TableCell[] = [];
    for (const v of r) {
      if (v === null || typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean') row.push(v);
      else if (typeof v === 'object' && !Array.isArray(v) && typeof (v as { $image?: unknown }).$image === 'string') {
        const img = v as { $image: string; width?: unknown; height?: unknown };
        const cell: { image: MediaFile; width?: number; height?: number } = { image: { path: img.$image, state: 'missing', why: 'missing' } };
        if (typeof img.width === 'number') cell.width = img.width;
        if (typeof img.height === 'number') cell.height = img.height;
        // Image cells are few (the logger writes each as a file); checked once per parse.
        if (images.length < 10_000) images.push(mediaFile(runDir, img.$image, roots).then((f) => void (cell.image = f)));
        row.push(cell);
      } else row.push(JSON.stringify(v));
    }
    t.rows.push(row);
  }
  await Promise.all(images);
}

/** Order of two cells: numbers (NaN last among them), then strings, booleans, images; null always last. */
function compareCells(a: TableCell, b: TableCell): number {
  const rank = (v: TableCell) => (v === null ? 5 : typeof v === 'number' ? (Number.isNaN(v) ? 1 : 0) : typeof v === 'string' ? 2 : typeof v === 'boolean' ? 3 : 4);
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) ? 0 : a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return 0;
}

function orderOf(t: ParsedTable, column: number, descending: boolean): Uint32Array {
  const id = `${column}:${descending}`;
  let order = t.orders.get(id);
  if (order === undefined) {
    order = Uint32Array.from(t.rows.keys());
    const sign = descending ? -1 : 1;
    // Nulls stay last either way; ties keep file order (the sort is stable).
    order.sort((i, j) => {
      const a = t.rows[i][column] ?? null;
      const b = t.rows[j][column] ?? null;
      if (a === null || b === null) return a === b ? 0 : a === null ? 1 : -1;
      return sign * compareCells(a, b);
    });
    t.orders.set(id, order);
  }
  return order;
}

export const TABLE_PAGE = 200;

export async function tablePage(db: IndexDb, state: RunState, cache: TableCache, req: TableRequest): Promise<TablePage | undefined> {
  const row = mediaRow(db, state.id, req.key, req.step);
  if (row === undefined || row.kind !== 'table') return undefined;
  const roots: RootCache = new Map();
  const file = await mediaFile(state.dir, row.data.path ?? '', roots);
  const offset = Math.max(0, Math.floor(req.offset ?? 0));
  const limit = Math.max(0, Math.min(10_000, Math.floor(req.limit ?? TABLE_PAGE)));
  const page: TablePage = { file, columns: row.data.columns ?? [], rows: [], offset, total: 0, truncated: row.data.truncated === true };
  if (file.state !== 'ok') return page;
  let t: ParsedTable;
  try {
    t = await cache.get(file.abs, state.dir, roots);
  } catch {
    return { ...page, file: { path: file.path, state: 'missing', why: 'missing' } };
  }
  if (t.problem !== undefined) page.problem = t.problem;
  if (t.columns.length > 0) page.columns = t.columns;
  page.total = t.rows.length;
  const sort = req.sort;
  if (sort !== undefined && sort.column >= 0 && sort.column < page.columns.length) {
    const order = orderOf(t, sort.column, sort.descending);
    for (let i = offset; i < Math.min(order.length, offset + limit); i++) page.rows.push(t.rows[order[i]]);
  } else page.rows = t.rows.slice(offset, offset + limit);
  return page;
}

export async function textPage(db: IndexDb, state: RunState, key: string, step: number | 'latest', maxChars = 1 << 20): Promise<TextPage | undefined> {
  const row = mediaRow(db, state.id, key, step);
  if (row === undefined || row.kind !== 'text') return undefined;
  const file = await mediaFile(state.dir, row.data.path ?? '');
  if (file.state !== 'ok') return { file, text: '', cut: false };
  // At most 4 bytes a character: read no more than the characters asked for can take.
  const want = Math.min(file.size, maxChars * 4);
  const handle = await open(file.abs, 'r');
  try {
    const buf = Buffer.alloc(want);
    const { bytesRead } = await handle.read(buf, 0, want, 0);
    let text = buf.toString('utf8', 0, bytesRead);
    let cut = bytesRead < file.size;
    if (text.length > maxChars) {
      text = text.slice(0, maxChars);
      cut = true;
    }
    return { file, text, cut };
  } catch {
    return { file: { path: file.path, state: 'missing', why: 'missing' }, text: '', cut: false };
  } finally {
    await handle.close();
  }
}
