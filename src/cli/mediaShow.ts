// What `trackside show` says of a run's media (issue 16): `media: {key: {kind, count}}` in --json, a table otherwise.
import { setOwn, type MediaKeyInfo } from '../store';
import { table } from './terminalText';

/** Keys as logged, an own `__proto__` key too; count is the steps the key was logged at. */
export function mediaJson(media: MediaKeyInfo[]): Record<string, { kind: string; count: number }> {
  const out: Record<string, { kind: string; count: number }> = {};
  for (const m of media) setOwn(out, m.key, { kind: m.kind, count: m.count });
  return out;
}

export function mediaTable(media: MediaKeyInfo[]): string {
  return table(['KEY', 'KIND', 'STEPS', 'FIRST', 'LAST'], media.map((m) => [m.key, m.kind, String(m.count), String(m.firstStep), String(m.lastStep)]), new Set([2, 3, 4]));
}
