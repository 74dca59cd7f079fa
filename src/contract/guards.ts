// A webview is a trust boundary: its script renders untrusted log text, so the host validates every message
// it receives against the contract before acting on it, and reports what it refused.
import type { ChartOptions, CompareState, DashboardState, PanelState, WebviewMessage, XMode, YScale } from './messages';
import { plotWidthFrom } from '../charts/pointBudget';

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const MAX_ID = 256;
/** A comparison holds at most this many runs: a larger saved state is refused on reload, so none is opened. */
export const MAX_RUNS = 2000;
const MAX_KEY = 1024;
/** PNG exports larger than this are refused rather than decoded (a 4K chart is a few MB). */
export const MAX_PNG_DATA_URL = 40 * 1024 * 1024;
export const PNG_PREFIX = 'data:image/png;base64,';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isId(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= MAX_ID;
}

function isKey(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= MAX_KEY;
}

function isXMode(v: unknown): v is XMode {
  return v === 'step' || v === 'time' || v === 'relative';
}

function isYScale(v: unknown): v is YScale {
  return v === 'linear' || v === 'log';
}

export function parseOptions(v: unknown): ChartOptions | undefined {
  if (!isObj(v) || !isXMode(v.x) || !isYScale(v.y)) return undefined;
  if (typeof v.smoothing !== 'number' || !(v.smoothing >= 0 && v.smoothing <= 0.999)) return undefined;
  return { x: v.x, y: v.y, smoothing: v.smoothing };
}

function idList(v: unknown): string[] | undefined {
  if (!Array.isArray(v) || v.length > MAX_RUNS || !v.every(isId)) return undefined;
  return [...new Set(v as string[])];
}

/** The run ids a comparison can hold (first ones kept, duplicates dropped), and how many were left out. */
export function capRunIds(ids: readonly string[]): { ids: string[]; leftOut: number } {
  const unique = [...new Set(ids)];
  return { ids: unique.slice(0, MAX_RUNS), leftOut: Math.max(0, unique.length - MAX_RUNS) };
}

/** Validates a persisted or posted panel state; also used for what a serializer gets back after a reload. */
export function parsePanelState(v: unknown): Parsed<PanelState> {
  if (!isObj(v)) return { ok: false, reason: 'state is not an object' };
  const options = parseOptions(v.options);
  if (!options) return { ok: false, reason: 'state has invalid chart options' };
  if (v.kind === 'dashboard') {
    if (!isId(v.runId)) return { ok: false, reason: 'dashboard state has no run id' };
    const state: DashboardState = { kind: 'dashboard', runId: v.runId, options };
    return { ok: true, value: state };
  }
  if (v.kind === 'compare') {
    const runIds = idList(v.runIds);
    if (!runIds) return { ok: false, reason: 'compare state has an invalid run list' };
    const hidden = idList(v.hidden ?? []);
    if (!hidden) return { ok: false, reason: 'compare state has an invalid hidden list' };
    if (v.baseline !== undefined && !isId(v.baseline)) return { ok: false, reason: 'compare state has an invalid baseline' };
    if (typeof v.onlyDifferences !== 'boolean') return { ok: false, reason: 'compare state has no onlyDifferences flag' };
    for (const k of ['targetMetric', 'scatterParam'] as const) {
      if (v[k] !== undefined && !isKey(v[k])) return { ok: false, reason: `compare state has an invalid ${k}` };
    }
    const state: CompareState = {
      kind: 'compare',
      runIds,
      options,
      onlyDifferences: v.onlyDifferences,
      hidden: hidden.filter((id) => runIds.includes(id)),
    };
    if (typeof v.baseline === 'string') state.baseline = v.baseline;
    if (typeof v.targetMetric === 'string') state.targetMetric = v.targetMetric;
    if (typeof v.scatterParam === 'string') state.scatterParam = v.scatterParam;
    return { ok: true, value: state };
  }
  return { ok: false, reason: 'state has an unknown kind' };
}

function finite(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** Checks a message from a webview. Unknown types and malformed fields are refused with a reason. */
export function parseWebviewMessage(raw: unknown): Parsed<WebviewMessage> {
  if (!isObj(raw) || typeof raw.type !== 'string') return { ok: false, reason: 'message has no type' };
  const bad = (what: string): Parsed<WebviewMessage> => ({ ok: false, reason: `${raw.type}: ${what}` });
  switch (raw.type) {
    case 'ready': {
      // A missing or implausible width is not worth refusing the handshake over: the host assumes a default.
      const plotWidth = plotWidthFrom(raw.plotWidth);
      return { ok: true, value: plotWidth === undefined ? { type: 'ready' } : { type: 'ready', plotWidth } };
    }
    case 'addRuns':
    case 'exportCsv':
    case 'exportMarkdown':
      return { ok: true, value: { type: raw.type } };
    case 'state': {
      const state = parsePanelState(raw.state);
      return state.ok ? { ok: true, value: { type: 'state', state: state.value } } : bad(state.reason);
    }
    case 'zoom': {
      if (!Number.isSafeInteger(raw.requestId)) return bad('invalid request id');
      if (!isXMode(raw.x)) return bad('invalid x axis');
      const r = raw.range;
      let range: [number, number] | null = null;
      if (r !== null) {
        if (!Array.isArray(r) || r.length !== 2 || !finite(r[0]) || !finite(r[1]) || r[0] > r[1]) return bad('invalid range');
        range = [r[0], r[1]];
      }
      const zoom: WebviewMessage = { type: 'zoom', requestId: raw.requestId as number, x: raw.x, range };
      const plotWidth = plotWidthFrom(raw.plotWidth);
      if (plotWidth !== undefined) zoom.plotWidth = plotWidth;
      return { ok: true, value: zoom };
    }
    case 'openRun':
    case 'removeRun':
      return isId(raw.runId) ? { ok: true, value: { type: raw.type, runId: raw.runId } } : bad('invalid run id');
    case 'openArtifact':
      // Only relative paths inside the run folder: no absolute paths, no `..` segments.
      if (!isKey(raw.path) || raw.path.startsWith('/') || /^[a-zA-Z]:/.test(raw.path) || raw.path.split(/[\\/]/).includes('..')) {
        return bad('invalid artifact path');
      }
      return { ok: true, value: { type: 'openArtifact', path: raw.path } };
    case 'exportPng': {
      if (typeof raw.name !== 'string' || raw.name.length > MAX_KEY) return bad('invalid name');
      const url = raw.dataUrl;
      if (typeof url !== 'string' || !url.startsWith(PNG_PREFIX)) return bad('not a PNG data URL');
      if (url.length > MAX_PNG_DATA_URL) return bad('image too large');
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(url.slice(PNG_PREFIX.length))) return bad('invalid base64');
      return { ok: true, value: { type: 'exportPng', name: raw.name, dataUrl: url } };
    }
    case 'painted':
      if (!finite(raw.ms) || !Number.isSafeInteger(raw.points) || !Number.isSafeInteger(raw.charts)) return bad('invalid timings');
      return { ok: true, value: { type: 'painted', ms: raw.ms, points: raw.points as number, charts: raw.charts as number } };
    default:
      return { ok: false, reason: `unknown message type ${JSON.stringify(raw.type.slice(0, 40))}` };
  }
}
