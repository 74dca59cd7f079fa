// A webview is a trust boundary: its script renders untrusted log text, so the host validates every message
// it receives against its panel's protocol before acting on it, and reports what it refused. This file checks
// what every chart panel shares; dashboardGuards.ts and compareGuards.ts check each panel's own messages.
import type { ChartInbound, ChartOptions, StateMessage, XMode, YScale } from './common';
import { plotWidthFrom } from '../shared/pointBudget';

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const MAX_ID = 256;
const MAX_KEY = 1024;
/** PNG exports larger than this are refused rather than decoded (a 4K chart is a few MB). */
export const MAX_PNG_DATA_URL = 40 * 1024 * 1024;
export const PNG_PREFIX = 'data:image/png;base64,';

type Obj = Record<string, unknown>;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function isId(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= MAX_ID;
}

export function isKey(v: unknown): v is string {
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

function finite(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

export function refused<T>(raw: { type: string }, what: string): Parsed<T> {
  return { ok: false, reason: `${raw.type}: ${what}` };
}

/** A message with a string type: what a panel's own parser is given. */
export type Typed = Obj & { type: string };

/**
 * A panel's message guard: its `state` checked by its own state parser, the messages every chart panel has, and
 * its own (`parseOwn` answers undefined for a type it does not know). Anything else is refused with a reason.
 */
export function panelMessageParser<S, Own>(
  parseState: (v: unknown) => Parsed<S>,
  parseOwn: (raw: Typed) => Parsed<Own> | undefined,
): (input: unknown) => Parsed<ChartInbound | StateMessage<S> | Own> {
  return (input) => {
    if (!isObj(input) || typeof input.type !== 'string') return { ok: false, reason: 'message has no type' };
    const raw = input as Typed;
    if (raw.type === 'state') {
      const state = parseState(raw.state);
      return state.ok ? { ok: true, value: { type: 'state', state: state.value } } : refused(raw, state.reason);
    }
    return parseChartMessage(raw) ?? parseOwn(raw) ?? { ok: false, reason: `unknown message type ${JSON.stringify(raw.type.slice(0, 40))}` };
  };
}

/** The messages every chart panel handles; undefined when `raw` is another kind (the panel's own, or unknown). */
function parseChartMessage(raw: Typed): Parsed<ChartInbound> | undefined {
  switch (raw.type) {
    case 'ready': {
      // A missing or implausible width is not worth refusing the handshake over: the host assumes a default.
      const plotWidth = plotWidthFrom(raw.plotWidth);
      return { ok: true, value: plotWidth === undefined ? { type: 'ready' } : { type: 'ready', plotWidth } };
    }
    case 'zoom': {
      if (!Number.isSafeInteger(raw.requestId)) return refused(raw, 'invalid request id');
      if (!isXMode(raw.x)) return refused(raw, 'invalid x axis');
      const r = raw.range;
      let range: [number, number] | null = null;
      if (r !== null) {
        if (!Array.isArray(r) || r.length !== 2 || !finite(r[0]) || !finite(r[1]) || r[0] > r[1]) return refused(raw, 'invalid range');
        range = [r[0], r[1]];
      }
      const zoom: ChartInbound = { type: 'zoom', requestId: raw.requestId as number, x: raw.x, range };
      const plotWidth = plotWidthFrom(raw.plotWidth);
      if (plotWidth !== undefined) zoom.plotWidth = plotWidth;
      return { ok: true, value: zoom };
    }
    case 'openRun':
      return isId(raw.runId) ? { ok: true, value: { type: 'openRun', runId: raw.runId } } : refused(raw, 'invalid run id');
    case 'exportPng': {
      if (typeof raw.name !== 'string' || raw.name.length > MAX_KEY) return refused(raw, 'invalid name');
      const url = raw.dataUrl;
      if (typeof url !== 'string' || !url.startsWith(PNG_PREFIX)) return refused(raw, 'not a PNG data URL');
      if (url.length > MAX_PNG_DATA_URL) return refused(raw, 'image too large');
      if (!/^[A-Za-z0-9+/]*={0,2}$/.test(url.slice(PNG_PREFIX.length))) return refused(raw, 'invalid base64');
      return { ok: true, value: { type: 'exportPng', name: raw.name, dataUrl: url } };
    }
    case 'painted': {
      if (!finite(raw.ms) || !Number.isSafeInteger(raw.points) || !Number.isSafeInteger(raw.charts)) return refused(raw, 'invalid timings');
      const painted: Extract<ChartInbound, { type: 'painted' }> = { type: 'painted', ms: raw.ms, points: raw.points as number, charts: raw.charts as number };
      if (finite(raw.transitMs)) painted.transitMs = raw.transitMs;
      return { ok: true, value: painted };
    }
    default:
      return undefined;
  }
}
