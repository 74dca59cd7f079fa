// The exact command a run was started with, quoted so it can be pasted into a POSIX shell unchanged.

export function shellQuote(arg: string): string {
  if (arg !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

export function commandLine(executable: string | undefined, argv: readonly string[]): string {
  const parts = executable ? [executable, ...argv] : [...argv];
  return parts.map(shellQuote).join(' ');
}
