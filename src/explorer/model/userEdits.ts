// The shape of `<run>/user.json`: the user's edits, kept beside the log so the logger's file is never rewritten
// while it may be appending. Pure merge and validation; the host does the (atomic) writing.

import { parseUserEdits, type UserEdits } from '../../store';

export type { UserEdits };

export const MAX_NAME = 200;
export const MAX_TAG = 64;
export const MAX_TAGS = 64;
export const MAX_NOTES = 20_000;

/** The fields the store reads from user.json; `satisfies` fails the build when the store adds one. */
const STORE_FIELDS = { name: true, tags: true, notes: true, starred: true, archived: true } as const satisfies Record<keyof UserEdits, true>;

/**
 * What an edit is merged into: the fields the store reads, as the store's parser reads them (a field it would
 * ignore goes), and any other field, which a newer version may have written, as it is. An unreadable file
 * counts as empty, so a hand-edit gone wrong does not also lose the user's edit.
 */
export function editableUserFile(text: string | undefined): Record<string, unknown> {
  const edits = text === undefined ? undefined : parseUserEdits(text).edits;
  if (text === undefined || !edits) return {};
  const file = JSON.parse(text) as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(file).flatMap(([key, value]): Array<[string, unknown]> => {
      if (!Object.hasOwn(STORE_FIELDS, key)) return [[key, value]];
      return Object.hasOwn(edits, key) ? [[key, edits[key as keyof UserEdits]]] : [];
    }),
  );
}

/** Applies a patch; `undefined` in the patch removes the field (a cleared name falls back to the logged one). */
export function mergeUserEdits(existing: Record<string, unknown>, patch: UserEdits): Record<string, unknown> {
  const out: Record<string, unknown> = { ...existing };
  for (const [key, value] of Object.entries(patch) as Array<[keyof UserEdits, unknown]>) {
    if (value === undefined || value === false || value === '') delete out[key];
    else out[key] = value;
  }
  return out;
}

/** Splits what the user typed into tags: commas or whitespace separate, duplicates go, order stays. */
export function parseTags(input: string): string[] {
  const tags = input.split(/[,\s]+/).map((t) => t.trim()).filter(Boolean);
  return [...new Set(tags)];
}

const hasControl = (s: string): boolean => [...s].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f);

export function tagsProblem(input: string): string | undefined {
  const tags = parseTags(input);
  if (tags.length > MAX_TAGS) return `At most ${MAX_TAGS} tags.`;
  const long = tags.find((t) => t.length > MAX_TAG);
  if (long) return `Tags are at most ${MAX_TAG} characters: "${long.slice(0, 20)}…" is longer.`;
  const bad = tags.find(hasControl);
  if (bad !== undefined) return 'Tags cannot hold control characters.';
  return undefined;
}

export function nameProblem(input: string): string | undefined {
  if (input.length > MAX_NAME) return `Names are at most ${MAX_NAME} characters.`;
  if (hasControl(input)) return 'Names cannot hold control characters or line breaks.';
  return undefined;
}
