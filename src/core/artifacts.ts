// Artifact paths come from the log, and a run folder (say, in a cloned repo) can hold symlinks pointing anywhere:
// a path is only used after resolveInside has followed every symlink and found it inside the run folder.
import { realpath } from 'node:fs/promises';
import * as path from 'node:path';
import { resolveInside } from './paths';

/**
 * Where the webview may load an artifact from: its real location spelled under `runDir` as given, since the
 * webview's localResourceRoots names that (possibly symlinked) folder. Undefined when missing or outside.
 */
export async function artifactUnderRun(runDir: string, relative: string): Promise<string | undefined> {
  const real = await resolveInside(runDir, relative);
  if (!real) return undefined;
  const realRoot = await realpath(runDir).catch(() => undefined);
  return realRoot === undefined ? undefined : path.join(runDir, path.relative(realRoot, real));
}

