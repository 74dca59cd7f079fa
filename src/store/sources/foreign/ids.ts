// Ids for foreign runs. Trackside's ids are folder names under runs/; other tools name folders `version_0`,
// `1`, `output`, which repeat across a workspace, so such runs get `<prefix>-<folder>-<hash of the full path>`:
// readable in the tree and the CLI, stable across passes, and safe as a file or URL part.
import { createHash } from 'node:crypto';

export function foreignId(prefix: string, dir: string, ...names: string[]): string {
  const hash = createHash('sha1').update(dir).digest('hex').slice(0, 8);
  const readable = names.map((n) => n.replace(/[^A-Za-z0-9_.-]+/g, '_').slice(0, 40)).filter((n) => n !== '' && n !== '.' && n !== '..');
  return [prefix, ...readable, hash].join('-');
}
