// Turns an argv into one line that a given interactive shell parses back into exactly that argv.
// The line is typed into a terminal with sendText, so every shell's own rules apply: a single wrong
// character here would let a hostile log line run commands, which is why each shell gets its own quoter.

export type ShellKind = 'posix' | 'fish' | 'pwsh' | 'cmd';

/** The shell family of a shell executable path (`vscode.env.shell`); unknown shells are treated as POSIX. */
export function shellKindOf(shellPath: string | undefined): ShellKind {
  const base = (shellPath ?? '').split(/[\\/]/).pop()?.toLowerCase().replace(/\.exe$/, '') ?? '';
  if (base === 'fish') return 'fish';
  if (base === 'pwsh' || base === 'powershell' || base.startsWith('pwsh-')) return 'pwsh';
  if (base === 'cmd') return 'cmd';
  return 'posix';
}

export class UnquotableError extends Error {}

// Characters that never need quoting in any POSIX-like shell (and fish), so plain words stay readable.
// A leading `=` is excluded: zsh expands `=cmd` to a path.
const POSIX_SAFE = /^[A-Za-z0-9_@%+:,./-][A-Za-z0-9_@%+=:,./-]*$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;

/** bash, zsh, sh, dash, ksh: single quotes; control characters through ANSI-C `$'…'` (bash, zsh, ksh). */
export function quotePosix(arg: string): string {
  if (arg.includes('\u0000')) throw new UnquotableError('An argument contains a NUL character, which no program can receive.');
  if (arg.length > 0 && POSIX_SAFE.test(arg)) return arg;
  if (!CONTROL.test(arg)) return `'${arg.replace(/'/g, `'\\''`)}'`;
  // A literal newline inside '…' would be typed as Enter into the terminal; $'\n' keeps the line one line.
  let out = "$'";
  for (const ch of arg) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\\') out += '\\\\';
    // ' and ! as hex escapes: bash's history expansion scans the line before parsing and knows neither `$'`
    // nor the escapes inside it.
    else if (ch === "'") out += '\\x27';
    else if (ch === '!') out += '\\x21';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}'`;
}

/** fish: inside '…' only \\ and \' are escapes; control characters go outside the quotes as \n, \xHH. */
export function quoteFish(arg: string): string {
  if (arg.includes('\u0000')) throw new UnquotableError('An argument contains a NUL character, which no program can receive.');
  if (arg.length > 0 && POSIX_SAFE.test(arg) && !arg.includes('%')) return arg;
  let out = '';
  let open = false;
  for (const ch of arg) {
    const code = ch.codePointAt(0) ?? 0;
    if (code < 0x20 || code === 0x7f) {
      if (open) out += "'";
      open = false;
      out += ch === '\n' ? '\\n' : ch === '\t' ? '\\t' : ch === '\r' ? '\\r' : `\\x${code.toString(16).padStart(2, '0')}`;
      continue;
    }
    if (!open) out += "'";
    open = true;
    out += ch === '\\' ? '\\\\' : ch === "'" ? "\\'" : ch;
  }
  if (open) out += "'";
  return out === '' ? "''" : out;
}

// PowerShell treats the typographic single quotes as quote characters too, so they are doubled like '.
const PWSH_SINGLE_QUOTES = /['\u2018\u2019\u201a\u201b]/g;

/**
 * PowerShell 7.3+: single-quoted strings are verbatim; control characters are joined in from "`n"-style
 * strings inside a parenthesised expression, which PowerShell evaluates and passes as one argument.
 */
export function quotePwsh(arg: string): string {
  if (arg.includes('\u0000')) throw new UnquotableError('An argument contains a NUL character, which no program can receive.');
  // No comma (an array operator in argument mode), no leading `-` (`--%` stops parsing).
  if (arg.length > 0 && /^[A-Za-z0-9_./:\\=+]+$/.test(arg) && !/^[-+]/.test(arg)) return arg;
  const verbatim = (s: string) => `'${s.replace(PWSH_SINGLE_QUOTES, (q) => q + q)}'`;
  if (!CONTROL.test(arg)) return verbatim(arg);
  const parts: string[] = [];
  let run = '';
  for (const ch of arg) {
    const code = ch.codePointAt(0) ?? 0;
    if (code < 0x20 || code === 0x7f) {
      if (run) parts.push(verbatim(run));
      run = '';
      parts.push(`"\`u{${code.toString(16)}}"`);
    } else run += ch;
  }
  if (run) parts.push(verbatim(run));
  return `(${parts.join('+')})`;
}

// cmd.exe metacharacters. A caret before each makes cmd pass it through literally; because `"` is caret-escaped
// too, cmd never enters its quoted state, so the escaping holds across the whole line. `%` stays a problem in
// interactive cmd (a caret does not stop %VAR% expansion) and is handled by breaking the variable name.
const CMD_META = /[()%!^"<>&|]/g;

/** One argument for cmd.exe running a program that parses its command line like CommandLineToArgvW / the MS C runtime. */
export function quoteCmdArg(arg: string): string {
  if (CONTROL.test(arg)) throw new UnquotableError('cmd.exe cannot pass an argument containing a newline or another control character.');
  let quoted: string;
  if (arg.length > 0 && !/[\s"]/.test(arg)) quoted = arg;
  else {
    // MS C runtime rules: backslashes are literal unless they precede a quote, then they are doubled.
    quoted = '"';
    let slashes = 0;
    for (const ch of arg) {
      if (ch === '\\') {
        slashes++;
        continue;
      }
      if (ch === '"') quoted += '\\'.repeat(slashes * 2 + 1) + '"';
      else quoted += '\\'.repeat(slashes) + ch;
      slashes = 0;
    }
    quoted += '\\'.repeat(slashes * 2) + '"';
  }
  // `^%` followed by a name and `^%` leaves an undefined variable name (`NAME^`), so cmd keeps it verbatim,
  // then removes the carets.
  return quoted.replace(CMD_META, (c) => `^${c}`);
}

/** The program token for cmd.exe: real quotes (cmd looks the program up by its quoted name). */
export function quoteCmdProgram(program: string): string {
  if (/["%!\r\n]/.test(program) || program.includes('\u0000')) {
    throw new UnquotableError(`cmd.exe cannot run a program whose path contains ", %, ! or a newline: ${program}`);
  }
  return /[\s()^&|<>]/.test(program) ? `"${program}"` : program;
}

/** The whole command line for `shell`; argv[0] is the program. Throws UnquotableError when the shell cannot say it. */
export function commandLine(shell: ShellKind, argv: readonly string[]): string {
  if (argv.length === 0) throw new UnquotableError('There is no command to run.');
  const [program, ...args] = argv as [string, ...string[]];
  switch (shell) {
    case 'posix':
      // A first word with `=` would be read as a variable assignment.
      return [program.includes('=') && POSIX_SAFE.test(program) ? `'${program}'` : quotePosix(program), ...args.map(quotePosix)].join(' ');
    case 'fish':
      return [program, ...args].map(quoteFish).join(' ');
    case 'pwsh':
      // Without `&`, a quoted first token is just a string expression, not a command.
      return ['&', quotePwsh(program), ...args.map(quotePwsh)].join(' ');
    case 'cmd':
      return [quoteCmdProgram(program), ...args.map(quoteCmdArg)].join(' ');
  }
}
