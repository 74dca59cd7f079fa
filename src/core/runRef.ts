// Commands receive runs in several shapes: a run id from code, a tree node from a view menu, or the
// view's multi-selection as the second argument. This is the one place that understands all of them.

/** Anything that names a run: the explorer's run nodes carry `runId`. */
export interface RunRef {
  readonly runId: string;
}

function idOf(value: unknown): string | undefined {
  if (typeof value === 'string' && value.length > 0) return value;
  if (value && typeof value === 'object' && typeof (value as Partial<RunRef>).runId === 'string') {
    return (value as RunRef).runId;
  }
  return undefined;
}

/** Run ids named by a command's arguments, without duplicates, in order. */
export function runIdsFrom(arg?: unknown, selection?: unknown): string[] {
  const candidates: unknown[] = [];
  if (Array.isArray(selection) && selection.length > 0) candidates.push(...selection);
  else if (Array.isArray(arg)) candidates.push(...arg);
  else candidates.push(arg);
  const ids = candidates.map(idOf).filter((id): id is string => id !== undefined);
  return [...new Set(ids)];
}
