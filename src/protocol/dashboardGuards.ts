// The dashboard's messages and saved state, checked as they cross from its webview (see guards.ts).
import type { DashboardRequest, DashboardState } from './dashboard';
import { isId, isKey, isObj, panelMessageParser, parseOptions, refused, type Parsed } from './guards';
import { parseMediaRequest } from './mediaGuards';

/** Validates a posted or persisted dashboard state (also what the serializer gets back after a reload). */
export function parseDashboardState(v: unknown): Parsed<DashboardState> {
  if (!isObj(v)) return { ok: false, reason: 'state is not an object' };
  const s = v;
  if (s.kind !== 'dashboard') return { ok: false, reason: 'state is not a dashboard' };
  const options = parseOptions(s.options);
  if (!options) return { ok: false, reason: 'state has invalid chart options' };
  if (!isId(s.runId)) return { ok: false, reason: 'dashboard state has no run id' };
  return { ok: true, value: { kind: 'dashboard', runId: s.runId, options } };
}

/** Checks a message from a dashboard webview. Unknown types, other panels' messages and malformed fields are refused. */
export const parseDashboardMessage = panelMessageParser<DashboardState, DashboardRequest>(parseDashboardState, (raw) => {
  if (raw.type !== 'openArtifact' && raw.type !== 'registerModel') return parseMediaRequest(raw);
  // Only relative paths inside the run folder: no absolute paths, no `..` segments.
  if (!isKey(raw.path) || raw.path.startsWith('/') || /^[a-zA-Z]:/.test(raw.path) || raw.path.split(/[\\/]/).includes('..')) {
    return refused(raw, 'invalid artifact path');
  }
  return { ok: true, value: { type: raw.type, path: raw.path } };
});
