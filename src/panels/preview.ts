// Where a panel opens, as VS Code's preview editors do it: a new webview takes a second or more to load (the
// benches' floor), a loaded one can show other data at once. So one unkept panel per kind, the preview, is
// reused for whatever is opened next; a panel is kept once the user pins it ("Keep Open") or opened it to the side.
import { basename, dirname } from 'node:path';

export interface Placed {
  readonly key: string;
  /** Kept panels are never reused for something else. */
  readonly kept: boolean;
}

export interface OpenRequest {
  key: string;
  /** The kind reuses its preview panel (its setting, and one thing asked for at a time). */
  reuse: boolean;
  /** Opened beside the active editor: a new, kept panel, as "Open to the Side" is for files. */
  toSide: boolean;
}

export type Placement<P> =
  /** Already open: shown, and kept if it was opened to the side. */
  | { kind: 'reveal'; panel: P; keep: boolean }
  /** The preview panel shows the new key in its loaded page. */
  | { kind: 'reuse'; panel: P }
  | { kind: 'create'; kept: boolean };

export function placeOpen<P extends Placed>(open: readonly P[], request: OpenRequest): Placement<P> {
  const same = open.find((p) => p.key === request.key);
  if (same) return { kind: 'reveal', panel: same, keep: request.toSide && !same.kept };
  if (request.reuse && !request.toSide) {
    const preview = open.find((p) => !p.kept);
    if (preview) return { kind: 'reuse', panel: preview };
  }
  return { kind: 'create', kept: !request.reuse || request.toSide };
}

/**
 * The folders a preview panel may load a run's files from. Changing a webview's roots reloads its page, which would
 * throw away what reusing it saves; so a run in Trackside's own runs folder (`.trackside/runs/<id>`) gets that
 * folder, which holds runs only, and the preview can switch to any run beside it. Any other run: its own folder.
 */
export function previewRoots(runDir: string): string[] {
  const parent = dirname(runDir);
  return basename(parent) === 'runs' && basename(dirname(parent)) === '.trackside' ? [parent] : [runDir];
}
