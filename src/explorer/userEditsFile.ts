import * as vscode from 'vscode';
import { mergeUserEdits, parseUserEdits, type UserEdits } from './model/userEdits';

/**
 * Applies an edit to `<run>/user.json`: read, merge, write to a temporary file, rename over. A reader (the
 * indexer) sees the old file or the new one, never half of one. The logger never touches this file.
 */
export async function writeUserEdits(runDir: string, patch: UserEdits): Promise<void> {
  const dir = vscode.Uri.file(runDir);
  const target = vscode.Uri.joinPath(dir, 'user.json');
  let existing: Record<string, unknown> = {};
  try {
    existing = parseUserEdits(new TextDecoder().decode(await vscode.workspace.fs.readFile(target)));
  } catch (err) {
    if (!(err instanceof vscode.FileSystemError && err.code === 'FileNotFound')) throw err;
  }
  const merged = mergeUserEdits(existing, patch);
  const tmp = vscode.Uri.joinPath(dir, `.user.json.${process.pid}.${Date.now().toString(36)}.tmp`);
  await vscode.workspace.fs.writeFile(tmp, new TextEncoder().encode(`${JSON.stringify(merged, null, 2)}\n`));
  try {
    await vscode.workspace.fs.rename(tmp, target, { overwrite: true });
  } catch (err) {
    await vscode.workspace.fs.delete(tmp).then(undefined, () => undefined);
    throw err;
  }
}
