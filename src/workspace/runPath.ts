import * as path from 'node:path';

/** The run a path under `<root>/runs/<id>/…` belongs to, if it is under one. */
export function runIdIn(root: string, fsPath: string): string | undefined {
  const rel = path.relative(path.join(root, 'runs'), fsPath);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
  return rel.split(path.sep)[0];
}
