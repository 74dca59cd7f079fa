// The command a run was started with, as one line for a POSIX shell: the executable, then every argument
// quoted so that pasting the line runs that argv and nothing else (a logged `$(curl x|sh)` stays one argument).
// The dashboard header, the Runs view's Command row and its copy all show this line.
import { commandLine as shellLine, UnquotableError } from './shellQuote';

/** Marks a command that no shell line can express (a NUL in an argument): a comment, so pasting it runs nothing. */
export const NOT_RUNNABLE = '# not runnable as a shell command:';

/** The run's command quoted for a POSIX shell, or undefined when no shell line can pass it (a NUL). */
export function runnableCommand(executable: string | undefined, argv: readonly string[]): string | undefined {
  const parts = executable ? [executable, ...argv] : [...argv];
  try {
    return shellLine('posix', parts);
  } catch (err) {
    if (!(err instanceof UnquotableError)) throw err;
    return undefined;
  }
}

/** The run's command as shown: the quoted line, or a comment holding the argv as JSON when none can run it. */
export function commandLine(executable: string | undefined, argv: readonly string[]): string {
  // JSON keeps every character visible and the whole thing on one line.
  return runnableCommand(executable, argv) ?? `${NOT_RUNNABLE} ${JSON.stringify(executable ? [executable, ...argv] : [...argv])}`;
}
