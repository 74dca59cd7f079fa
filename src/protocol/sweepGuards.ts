// The sweep panel's messages and saved state, checked as they cross from its webview (see guards.ts).
import type { SweepInbound, SweepPanelState } from './sweep';
import { isId, isKey, isObj, refused, type Parsed, type Typed } from './guards';

export function parseSweepState(v: unknown): Parsed<SweepPanelState> {
  if (!isObj(v)) return { ok: false, reason: 'state is not an object' };
  if (v.kind !== 'sweep') return { ok: false, reason: 'state is not a sweep' };
  if (!isKey(v.root) || !v.root.startsWith('/') && !/^[a-zA-Z]:[\\/]/.test(v.root)) return { ok: false, reason: 'sweep state has no absolute root' };
  // A sweep id is a file name under `<root>/sweeps`: no separators, no `..`.
  if (!isId(v.id) || !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(v.id)) return { ok: false, reason: 'sweep state has no valid sweep id' };
  return { ok: true, value: { kind: 'sweep', root: v.root, id: v.id } };
}

/** Checks a message from a sweep webview: only its own few kinds pass. */
export function parseSweepMessage(input: unknown): Parsed<SweepInbound> {
  if (!isObj(input) || typeof input.type !== 'string') return { ok: false, reason: 'message has no type' };
  const raw = input as Typed;
  switch (raw.type) {
    case 'ready':
      return { ok: true, value: { type: 'ready' } };
    case 'state': {
      const state = parseSweepState(raw.state);
      return state.ok ? { ok: true, value: { type: 'state', state: state.value } } : refused(raw, state.reason);
    }
    case 'openRun':
      return isId(raw.runId) ? { ok: true, value: { type: 'openRun', runId: raw.runId } } : refused(raw, 'invalid run id');
    case 'control':
      return raw.action === 'stop' || raw.action === 'pause' || raw.action === 'resume' ? { ok: true, value: { type: 'control', action: raw.action } } : refused(raw, 'invalid action');
    default:
      return { ok: false, reason: `unknown message type ${JSON.stringify(raw.type.slice(0, 40))}` };
  }
}
