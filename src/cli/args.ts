// A small argv parser: `--flag`, `--opt value`, `--opt=value`, positionals, and `--` to end options.

export class UsageError extends Error {}

export interface ParsedArgs {
  positionals: string[];
  options: Map<string, string>;
  flags: Set<string>;
}

/** `valued` names the options that take a value; every other `--name` is a flag. */
export function parseArgs(argv: string[], valued: ReadonlySet<string>, known: ReadonlySet<string>): ParsedArgs {
  const out: ParsedArgs = { positionals: [], options: new Map(), flags: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      out.positionals.push(...argv.slice(i + 1));
      break;
    }
    if (a.startsWith('--') || (a.startsWith('-') && a.length === 2 && a !== '-')) {
      const eq = a.indexOf('=');
      const name = (eq > 0 ? a.slice(0, eq) : a).replace(/^--?/, '');
      const canonical = name === 'h' ? 'help' : name;
      if (!known.has(canonical) && !valued.has(canonical)) throw new UsageError(`unknown option ${a.slice(0, eq > 0 ? eq : undefined)}`);
      if (valued.has(canonical)) {
        const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
        if (value === undefined) throw new UsageError(`${a} needs a value`);
        out.options.set(canonical, value);
      } else {
        if (eq > 0) throw new UsageError(`--${canonical} takes no value`);
        out.flags.add(canonical);
      }
      continue;
    }
    out.positionals.push(a);
  }
  return out;
}
