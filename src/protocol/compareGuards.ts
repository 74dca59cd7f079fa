// The compare view's messages and saved state, checked as they cross from its webview (see guards.ts).
import type { CompareRequest, CompareState } from './compare';
import { isId, isKey, isObj, panelMessageParser, parseOptions, refused, type Parsed } from './guards';
import { parseMediaRequest } from './mediaGuards';

/** A comparison holds at most this many runs: a larger saved state is refused on reload, so none is opened. */
export const MAX_RUNS = 2000;

function idList(v: unknown): string[] | undefined {
  if (!Array.isArray(v) || v.length > MAX_RUNS || !v.every(isId)) return undefined;
  return [...new Set(v as string[])];
}

/** The run ids a comparison can hold (first ones kept, duplicates dropped), and how many were left out. */
export function capRunIds(ids: readonly string[]): { ids: string[]; leftOut: number } {
  const unique = [...new Set(ids)];
  return { ids: unique.slice(0, MAX_RUNS), leftOut: Math.max(0, unique.length - MAX_RUNS) };
}

/** Validates a posted or persisted comparison state (also what the serializer gets back after a reload). */
export function parseCompareState(v: unknown): Parsed<CompareState> {
  if (!isObj(v)) return { ok: false, reason: 'state is not an object' };
  if (v.kind !== 'compare') return { ok: false, reason: 'state is not a comparison' };
  const options = parseOptions(v.options);
  if (!options) return { ok: false, reason: 'state has invalid chart options' };
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

/** Checks a message from a compare webview. Unknown types, other panels' messages and malformed fields are refused. */
export const parseCompareMessage = panelMessageParser<CompareState, CompareRequest>(parseCompareState, (raw) => {
  switch (raw.type) {
    case 'addRuns':
    case 'exportCsv':
    case 'exportMarkdown':
      return { ok: true, value: { type: raw.type } };
    case 'removeRun':
      return isId(raw.runId) ? { ok: true, value: { type: 'removeRun', runId: raw.runId } } : refused(raw, 'invalid run id');
    default:
      return parseMediaRequest(raw);
  }
});
