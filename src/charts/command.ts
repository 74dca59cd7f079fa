// The exact command a run was started with, quoted so it can be pasted into a POSIX shell unchanged. The quoting
// is the rerun feature's tested POSIX quoter (control characters, a leading `=`), not a second copy of it.
import { commandLine as shellLine, UnquotableError } from '../rerun/model/quote';

/** Marks a command that no shell line can express (a NUL in an argument): a comment, so pasting it runs nothing. */
export const NOT_RUNNABLE = '# not runnable as a shell command:';

export function commandLine(executable: string | undefined, argv: readonly string[]): string {
  const parts = executable ? [executable, ...argv] : [...argv];
  try {
    return shellLine('posix', parts);
  } catch (err) {
    if (!(err instanceof UnquotableError)) throw err;
    // JSON keeps every character visible and the whole thing on one line.
    return `${NOT_RUNNABLE} ${JSON.stringify(parts)}`;
  }
}
