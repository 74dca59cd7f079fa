// The media requests (media.ts) checked as they cross from a webview; dashboardGuards and compareGuards ask here first.
import { MAX_HISTOGRAM_STEPS, MAX_TABLE_PAGE, type MediaRequest } from './media';
import { isId, isKey, refused, type Parsed, type Typed } from './guards';

const MAX_RUNS = 64;

function step(v: unknown): number | 'latest' | undefined {
  return v === 'latest' || (Number.isSafeInteger(v) && (v as number) >= 0) ? (v as number | 'latest') : undefined;
}

function runIds(v: unknown): string[] | undefined {
  return Array.isArray(v) && v.length > 0 && v.length <= MAX_RUNS && v.every(isId) ? [...new Set(v as string[])] : undefined;
}

/** A relative path under the run folder's `media/`: no absolute path, no `..`, no backslash. */
export function isMediaPath(v: unknown): v is string {
  return isKey(v) && v.startsWith('media/') && !v.includes('\\') && !v.includes('\0') && !v.split('/').includes('..');
}

/** Undefined when `raw` is not a media request. */
export function parseMediaRequest(raw: Typed): Parsed<MediaRequest> | undefined {
  switch (raw.type) {
    case 'media/get':
    case 'media/histograms': {
      if (!Number.isSafeInteger(raw.requestId)) return refused(raw, 'invalid request id');
      const ids = runIds(raw.runIds);
      if (ids === undefined) return refused(raw, 'invalid run ids');
      if (!isKey(raw.key)) return refused(raw, 'invalid key');
      const requestId = raw.requestId as number;
      if (raw.type === 'media/get') {
        const s = step(raw.step);
        if (s === undefined) return refused(raw, 'invalid step');
        return { ok: true, value: { type: 'media/get', requestId, runIds: ids, key: raw.key, step: s } };
      }
      if (!Number.isSafeInteger(raw.budget) || (raw.budget as number) < 1) return refused(raw, 'invalid budget');
      return { ok: true, value: { type: 'media/histograms', requestId, runIds: ids, key: raw.key, budget: Math.min(raw.budget as number, MAX_HISTOGRAM_STEPS) } };
    }
    case 'media/table': {
      if (!Number.isSafeInteger(raw.requestId)) return refused(raw, 'invalid request id');
      if (!isId(raw.runId) || !isKey(raw.key)) return refused(raw, 'invalid run or key');
      const s = step(raw.step);
      if (s === undefined) return refused(raw, 'invalid step');
      if (!Number.isSafeInteger(raw.offset) || (raw.offset as number) < 0) return refused(raw, 'invalid offset');
      if (!Number.isSafeInteger(raw.limit) || (raw.limit as number) < 0) return refused(raw, 'invalid limit');
      const value: MediaRequest = { type: 'media/table', requestId: raw.requestId as number, runId: raw.runId, key: raw.key, step: s, offset: raw.offset as number, limit: Math.min(raw.limit as number, MAX_TABLE_PAGE) };
      const sort = raw.sort as { column?: unknown; descending?: unknown } | undefined;
      if (sort !== undefined) {
        if (sort === null || typeof sort !== 'object' || !Number.isSafeInteger(sort.column) || (sort.column as number) < 0 || typeof sort.descending !== 'boolean') return refused(raw, 'invalid sort');
        value.sort = { column: sort.column as number, descending: sort.descending };
      }
      return { ok: true, value };
    }
    case 'media/open':
      if (!isId(raw.runId)) return refused(raw, 'invalid run id');
      if (!isMediaPath(raw.path)) return refused(raw, 'invalid media path');
      return { ok: true, value: { type: 'media/open', runId: raw.runId, path: raw.path } };
    default:
      return undefined;
  }
}
