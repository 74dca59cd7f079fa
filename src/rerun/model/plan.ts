// Everything a rerun will do, decided without VS Code: the program, its arguments, the working directory, the
// environment variables and the exact text the user confirms. The extension only carries the plan out.
import { noCommandReason } from '../../shared/sources';
import type { ParamValue } from '../../store/types';
import { rewriteArgv, type ArgvEdit } from './argv';
import { exactDigits } from '../../shared/format';
import { formatParamInput, fromParamValue, overridesEnvValue, sameParamValue, type ExactParam, type OverrideValue } from './overrides';
import { commandLine, UnquotableError, type ShellKind } from '../../shared/shellQuote';

export type InterpreterSource = 'recorded' | 'python-extension' | 'default';

export interface InterpreterChoice {
  path: string;
  source: InterpreterSource;
  /** Why the recorded interpreter was not used, when it was not. */
  note?: string;
}

/** The recorded interpreter when it still exists, else the Python extension's, else `python3` (`python` on Windows). */
export function chooseInterpreter(opts: {
  recorded?: string;
  recordedExists: boolean;
  pythonExtension?: string;
  windows?: boolean;
}): InterpreterChoice {
  if (opts.recorded && opts.recordedExists) return { path: opts.recorded, source: 'recorded' };
  const note = opts.recorded ? `The recorded interpreter ${opts.recorded} no longer exists.` : 'The run did not record its interpreter.';
  if (opts.pythonExtension) return { path: opts.pythonExtension, source: 'python-extension', note };
  return { path: opts.windows ? 'python' : 'python3', source: 'default', note };
}

export interface PlanInput {
  /** `params` with exact digits as `{"$int": …}` (see exactParams), so the review shows and compares every digit. */
  run: { id: string; name: string; root: string; argv: string[]; params: Record<string, ExactParam>; overrides: Record<string, ParamValue>; source?: string };
  /** Every override to send (inherited from the run plus the user's edits), by dotted key. */
  overrides: Record<string, OverrideValue>;
  interpreter: InterpreterChoice;
  cwd: string;
  shell: ShellKind;
  shellName: string;
  /** Running in a temporary worktree: the script path is moved from the checkout into it. */
  worktree?: { repo: string; dir: string };
  warnings?: string[];
}

export interface RerunPlan {
  program: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** The line typed into the terminal, or undefined when this shell cannot express the command. */
  commandText?: string;
  unquotable?: string;
  /** Why this run cannot be rerun from its command line at all (no Run button). */
  blocked?: string;
  edits: ArgvEdit[];
  envOnly: string[];
  /** Keys whose value differs from the run's own params: a rerun with none of these is a reproduction. */
  changed: string[];
  warnings: string[];
  /**
   * A warning in the review is easy to click past, so these ask a second time: the program is not Python, or the
   * recorded "script" is `-c` code taken from the log.
   */
  needsExtraConfirmation: boolean;
  /** Why, one clause each, for the second confirmation. */
  extraConfirmationReasons: string[];
  /** The full text of the confirmation: exactly what will run, and how. */
  review: string;
}

/**
 * The overrides a plain rerun must send: the run's own, so env-only overrides of the parent carry over. `digits`
 * (the store's exact digits of the overrides) are sent as `{"$int": …}`, never as the rounded double.
 */
export function inheritedOverrides(overrides: Readonly<Record<string, ParamValue>>, digits?: Readonly<Record<string, string>>): Record<string, OverrideValue> {
  const out: Record<string, OverrideValue> = {};
  for (const [k, v] of Object.entries(overrides)) out[k] = fromParamValue(v, exactDigits(digits, k));
  return out;
}

function mapIntoWorktree(path: string, worktree: { repo: string; dir: string } | undefined): string {
  if (!worktree) return path;
  const repo = worktree.repo.replace(/[\\/]+$/, '');
  if (path === repo) return worktree.dir;
  if (path.startsWith(`${repo}/`) || path.startsWith(`${repo}\\`)) return worktree.dir + path.slice(repo.length);
  return path;
}

const INTERPRETER_SOURCE: Record<InterpreterSource, string> = {
  recorded: 'recorded with the run',
  'python-extension': "the Python extension's selected interpreter",
  default: 'default',
};

/** Runs whose command line does not reproduce them: no script, or a Jupyter kernel (the cells are not in argv). */
export function blockedReason(argv: readonly string[], source?: string): string | undefined {
  if (argv.length === 0) return noCommandReason(source);
  const script = (argv[0] ?? '').split(/[\\/]/).pop() ?? '';
  if (/^ipykernel_launcher\.py$|^ipykernel$/.test(script) || argv.includes('ipykernel_launcher') || /[\\/]ipykernel[\\/]/.test(argv[0] ?? '')) {
    return 'the run was logged from a Jupyter kernel; its command line starts a kernel, not the notebook cells that trained. Run the notebook again instead.';
  }
  return undefined;
}

export function buildPlan(input: PlanInput): RerunPlan {
  const { run, overrides } = input;
  const rewrite = rewriteArgv(run.argv, overrides);
  const args = [...rewrite.argv];
  if (args.length > 0) args[0] = mapIntoWorktree(args[0] as string, input.worktree);
  const cwd = mapIntoWorktree(input.cwd, input.worktree);
  const env: Record<string, string> = {
    TRACKSIDE_PARENT_RUN: run.id,
    // The new run is logged next to its parent, so it shows up in the same tree even from a worktree.
    TRACKSIDE_DIR: run.root,
  };
  if (Object.keys(overrides).length > 0) env.TRACKSIDE_CONFIG_OVERRIDES = overridesEnvValue(overrides);

  const changed = Object.keys(overrides)
    .filter((k) => !sameParamValue(run.params[k], overrides[k]))
    .sort();
  const warnings = [...(input.warnings ?? [])];
  // MLflow records the script (mlflow.source.name), never the arguments it was given.
  if (run.source === 'mlflow' && run.argv.length === 1) warnings.push('MLflow records the script but not its arguments: this runs it without any the original run may have had.');
  if (input.interpreter.note) warnings.push(input.interpreter.note);
  const extraConfirmationReasons: string[] = [];
  if (!/python|^py(\.exe)?$/i.test(input.interpreter.path.split(/[\\/]/).pop() ?? '')) {
    warnings.push(`The interpreter ${input.interpreter.path} does not look like Python.`);
    extraConfirmationReasons.push(`the program ${input.interpreter.path} does not look like a Python interpreter`);
  }
  if (run.argv[0] === '-c') {
    warnings.push('The run was started with `python -c`: the code it runs comes from the log, not from a script file.');
    extraConfirmationReasons.push('the command runs code given on its command line (`-c`), taken from the log rather than from a script file');
  }
  const blocked = blockedReason(run.argv, run.source);
  // Windows PowerShell 5.1 (not pwsh 7.3+) drops empty arguments and mangles embedded quotes for native programs.
  if (input.shell === 'pwsh' && /^powershell$/i.test(input.shellName) && args.some((a) => a === '' || a.includes('"'))) {
    warnings.push('Windows PowerShell 5.1 passes empty arguments and arguments containing " incorrectly to programs; set PowerShell 7 (pwsh) or another shell as the default terminal for this rerun.');
  }

  let commandText: string | undefined;
  let unquotable: string | undefined;
  try {
    commandText = commandLine(input.shell, [input.interpreter.path, ...args]);
  } catch (err) {
    if (!(err instanceof UnquotableError)) throw err;
    unquotable = err.message;
  }

  const lines: string[] = [];
  if (blocked) lines.push(`Cannot rerun: ${blocked}`, '');
  lines.push(`Command (${input.shellName}):`, commandText ?? `(cannot be typed into ${input.shellName}: ${unquotable})`, '');
  lines.push(`Working directory: ${cwd}`);
  lines.push(`Interpreter: ${input.interpreter.path} (${INTERPRETER_SOURCE[input.interpreter.source]})`);
  if (input.worktree) lines.push(`Code: temporary git worktree ${input.worktree.dir} (your checkout is not changed)`);
  lines.push('Environment variables added (none from the log):');
  for (const [k, v] of Object.entries(env)) lines.push(`  ${k}=${v}`);
  const keys = Object.keys(overrides).sort();
  if (keys.length > 0) {
    lines.push('Overrides:');
    for (const key of keys) {
      const from = run.params[key];
      const to = formatParamInput(overrides[key] as OverrideValue);
      const via = rewrite.edits.some((e) => e.key === key) ? 'argument and environment' : 'environment';
      const change = key in run.params && !sameParamValue(from, overrides[key]) ? `${formatParamInput(fromParamValue(from as ExactParam))} → ${to}` : to;
      lines.push(`  ${key} = ${change}  (${via}${changed.includes(key) ? '' : ', as recorded'})`);
    }
  } else lines.push('Overrides: none (same configuration)');
  if (warnings.length > 0) lines.push('', ...warnings.map((w) => `⚠ ${w}`));

  return {
    program: input.interpreter.path,
    args,
    cwd,
    env,
    commandText,
    unquotable,
    blocked,
    edits: rewrite.edits,
    envOnly: rewrite.envOnly,
    changed,
    warnings,
    needsExtraConfirmation: extraConfirmationReasons.length > 0,
    extraConfirmationReasons,
    review: lines.join('\n'),
  };
}
