import * as vscode from 'vscode';
import type { UserEdits } from './model/userEdits';
import { UserEditsWriter } from './userEditsWriter';

// VS Code's file system rather than node's, so run folders on virtual and remote file systems work too.
const writer = new UserEditsWriter({
  async read(path) {
    try {
      return new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.file(path)));
    } catch (err) {
      if (err instanceof vscode.FileSystemError && err.code === 'FileNotFound') return undefined;
      throw err;
    }
  },
  write: async (path, text) => vscode.workspace.fs.writeFile(vscode.Uri.file(path), new TextEncoder().encode(text)),
  rename: async (from, to) => vscode.workspace.fs.rename(vscode.Uri.file(from), vscode.Uri.file(to), { overwrite: true }),
  remove: async (path) => vscode.workspace.fs.delete(vscode.Uri.file(path)),
});

/** Applies an edit to `<run>/user.json`, after any edit of the same run still being written. */
export function writeUserEdits(runDir: string, patch: UserEdits): Promise<void> {
  return writer.write(runDir, patch);
}
