// `<run>/user.json` holds what the user changed in the editor (the explorer writes it; the logger never does).
// Only well-typed fields are taken, so a hand-edited file cannot poison the index.
import type { UserEdits } from './runState';

export function parseUserEdits(text: string): { edits?: UserEdits; problem?: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { problem: `user.json is not valid JSON (${err instanceof Error ? err.message.slice(0, 120) : String(err)})` };
  }
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { problem: 'user.json should hold a JSON object' };
  const r = raw as Record<string, unknown>;
  const edits: UserEdits = {};
  if (typeof r.name === 'string' && r.name.trim() !== '') edits.name = r.name;
  if (Array.isArray(r.tags)) edits.tags = [...new Set(r.tags.filter((t): t is string => typeof t === 'string'))];
  if (typeof r.notes === 'string') edits.notes = r.notes;
  if (typeof r.starred === 'boolean') edits.starred = r.starred;
  if (typeof r.archived === 'boolean') edits.archived = r.archived;
  return { edits };
}
