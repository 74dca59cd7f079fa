// Applies edits to `<run>/user.json`: read, merge, write a temporary file, rename over. A reader (the indexer)
// sees the old file or the new one, never half of one. The logger never touches this file.
import { randomBytes } from 'node:crypto';
import { USER_FILE } from '../store';
import { editableUserFile, mergeUserEdits, type UserEdits } from './model/userEdits';

/** The file operations the writer needs: VS Code's file system in the extension, an in-memory one in tests. */
export interface EditsFileSystem {
  /** The file's text, or undefined when it does not exist. */
  read(path: string): Promise<string | undefined>;
  write(path: string, text: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  remove(path: string): Promise<void>;
}

export class UserEditsWriter {
  /** The last queued write per run folder. */
  private readonly tails = new Map<string, Promise<void>>();

  constructor(private readonly fs: EditsFileSystem) {}

  /**
   * Writes queue per run folder: two edits in flight (star, then tag, before the first lands) would both read
   * the old file and the second rename would drop the first edit.
   */
  write(runDir: string, patch: UserEdits): Promise<void> {
    const dir = runDir.replace(/[\\/]+$/, '');
    const result = (this.tails.get(dir) ?? Promise.resolve()).then(() => this.apply(dir, patch));
    const tail = result.catch(() => undefined);
    this.tails.set(dir, tail);
    void tail.then(() => {
      if (this.tails.get(dir) === tail) this.tails.delete(dir);
    });
    return result;
  }

  private async apply(dir: string, patch: UserEdits): Promise<void> {
    const target = `${dir}/${USER_FILE}`;
    const merged = mergeUserEdits(editableUserFile(await this.fs.read(target)), patch);
    // Random, not pid + time: another window (same moment) or a remote host (same pid) may write this folder too.
    const tmp = `${dir}/.${USER_FILE}.${randomBytes(8).toString('hex')}.tmp`;
    await this.fs.write(tmp, `${JSON.stringify(merged, null, 2)}\n`);
    try {
      await this.fs.rename(tmp, target);
    } catch (err) {
      await this.fs.remove(tmp).catch(() => undefined);
      throw err;
    }
  }
}
