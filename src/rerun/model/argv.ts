// Rewrites the recorded command line so an overridden param also reaches code that reads it from argv
// (argparse, click, typer, Hydra), not only code that merges TRACKSIDE_CONFIG_OVERRIDES through the logger.
import { intTagDigits } from '../../store';
import type { OverrideValue } from './overrides';

export interface ArgvEdit {
  key: string;
  /** Index of the rewritten token in the argv given. */
  index: number;
  before: string;
  after: string;
}

export interface ArgvRewrite {
  argv: string[];
  edits: ArgvEdit[];
  /** Overridden keys with no matching option in argv: they reach the code through the environment only. */
  envOnly: string[];
}

/** `optimizer.lr`, `optimizer-lr` and `optimizer_lr` name the same option; case is kept. */
function optionName(name: string): string {
  return name.replace(/_/g, '-');
}

// An option's value may be negative (`--lr -0.1`), but `-x` and `--x` are the next option.
function looksLikeOption(token: string): boolean {
  return token.startsWith('--') || /^-[A-Za-z]/.test(token);
}

const PY_LITERALS = new Set(['True', 'False', 'None']);

/** The text of a value on a command line, in the style of the token it replaces (`True` stays Python-cased). */
export function argText(value: OverrideValue, previous?: string): string {
  const pythonic = previous !== undefined && PY_LITERALS.has(previous);
  if (value === null) return pythonic ? 'None' : 'null';
  if (typeof value === 'boolean') return pythonic ? (value ? 'True' : 'False') : String(value);
  if (typeof value === 'number') {
    if (Number.isNaN(value)) return 'nan';
    if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
    return String(value);
  }
  if (typeof value === 'string') return value;
  // An exact integer is its digits on a command line, as the user would have typed it.
  return intTagDigits(value) ?? JSON.stringify(value);
}

/**
 * Replaces the value of every option in `argv` (program excluded: argv[0] is the script) named like an
 * overridden key: `--key value`, `--key=value`, Hydra's `key=value` / `+key=value` / `++key=value`; a bare
 * boolean flag `--key` is dropped for `false`. Tokens after `--` are positional and never touched.
 */
export function rewriteArgv(argv: readonly string[], overrides: Readonly<Record<string, OverrideValue>>): ArgvRewrite {
  const out = [...argv];
  const edits: ArgvEdit[] = [];
  const byName = new Map<string, string>();
  for (const key of Object.keys(overrides)) byName.set(optionName(key), key);
  const matched = new Set<string>();
  const drop = new Set<number>();

  const edit = (key: string, index: number, after: string) => {
    matched.add(key);
    if (out[index] === after) return;
    edits.push({ key, index, before: out[index] ?? '', after });
    out[index] = after;
  };

  for (let i = 1; i < out.length; i++) {
    const token = out[i] ?? '';
    if (token === '--') break;
    const long = /^--([^=\s]+)(=(.*))?$/s.exec(token);
    if (long) {
      const key = byName.get(optionName(long[1] ?? ''));
      if (key === undefined) continue;
      const value = overrides[key] as OverrideValue;
      if (long[2] !== undefined) {
        edit(key, i, `--${long[1]}=${argText(value, long[3])}`);
        continue;
      }
      const next = out[i + 1];
      if (next !== undefined && next !== '--' && !looksLikeOption(next)) {
        edit(key, i + 1, argText(value, next));
        i++;
      } else if (typeof value === 'boolean') {
        // A store_true flag: present means true; false means leaving it out.
        matched.add(key);
        if (!value) {
          drop.add(i);
          edits.push({ key, index: i, before: token, after: '' });
        }
      }
      continue;
    }
    const hydra = /^(\+{0,2})([A-Za-z_][\w.-]*)=(.*)$/s.exec(token);
    if (hydra) {
      const key = byName.get(optionName(hydra[2] ?? ''));
      if (key === undefined) continue;
      edit(key, i, `${hydra[1]}${hydra[2]}=${argText(overrides[key] as OverrideValue, hydra[3])}`);
    }
  }
  return {
    argv: out.filter((_, i) => !drop.has(i)),
    edits,
    envOnly: Object.keys(overrides).filter((k) => !matched.has(k)),
  };
}
