// A sweep file: YAML with W&B's sweep keys (so existing files run unchanged) and Trackside's beside them, read into
// a validated SweepSpec. Every problem is reported with its line and column, all at once, before anything launches.
import { isMap, LineCounter, parseDocument, type Document, type Node } from 'yaml';
import { DISTRIBUTIONS, type Dim, type Distribution, type NumberDim, type Space, type Value } from './space';

export type Method = 'grid' | 'random' | 'bayes';
export type Goal = 'minimize' | 'maximize';

export interface SlurmOptions {
  partition?: string;
  time?: string;
  cpusPerTask?: number;
  mem?: string;
  gres?: string;
  account?: string;
  qos?: string;
  /** Further sbatch arguments, passed as they are. */
  args: string[];
}
export type LauncherSpec = { type: 'local' } | { type: 'slurm'; slurm: SlurmOptions };

export interface HyperbandSpec {
  type: 'hyperband';
  minIter?: number;
  maxIter?: number;
  eta: number;
  s?: number;
}

export interface SweepSpec {
  name?: string;
  program?: string;
  /** The command template with its macros; W&B's default when the file has none. */
  command: string[];
  method: Method;
  metric?: { name: string; goal: Goal };
  space: Space;
  earlyTerminate?: HyperbandSpec;
  runCap?: number;
  concurrency: number;
  seed: number;
  launcher: LauncherSpec;
  /** GPU ids handed out to trial slots through CUDA_VISIBLE_DEVICES (empty: leave it alone). */
  gpus: string[];
  /** Consecutive failed trials that stop the sweep. */
  maxFailures: number;
}

export interface SpecError {
  line: number;
  column: number;
  message: string;
}

export class SweepSpecError extends Error {
  constructor(readonly file: string, readonly errors: SpecError[]) {
    super(errors.map((e) => `${file}:${e.line}:${e.column}: ${e.message}`).join('\n'));
  }
}

export const DEFAULT_COMMAND = ['${env}', '${interpreter}', '${program}', '${args}'];
export const MACROS = ['${env}', '${interpreter}', '${program}', '${args}', '${args_no_hyphens}', '${args_json}', '${args_json_file}'];
export const TOP_KEYS = [
  'program', 'command', 'method', 'metric', 'parameters', 'early_terminate', 'run_cap', 'name', 'description',
  'project', 'entity', 'controller', 'job', 'image_uri',
  'concurrency', 'seed', 'launcher', 'gpus', 'max_failures',
];
export const PARAM_KEYS = ['value', 'values', 'probabilities', 'distribution', 'min', 'max', 'mu', 'sigma', 'q', 'parameters'];
export const SLURM_KEYS = ['type', 'partition', 'time', 'cpus_per_task', 'mem', 'gres', 'account', 'qos', 'args'];
/** Enough for any honest sweep file; a billion-laughs file stops here instead of filling memory. */
const MAX_ALIASES = 100;
const MAX_FILE_CHARS = 1_000_000;

type Path = Array<string | number>;

/** Parses and validates; throws SweepSpecError listing every problem with its position. */
export function parseSweep(text: string, file: string): SweepSpec {
  const lines = new LineCounter();
  if (text.length > MAX_FILE_CHARS) throw new SweepSpecError(file, [{ line: 1, column: 1, message: `the file is over ${MAX_FILE_CHARS} characters` }]);
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const errors: SpecError[] = doc.errors.map((e) => {
    const p = lines.linePos(e.pos[0]);
    return { line: p.line, column: p.col, message: e.message.split('\n')[0] };
  });
  if (errors.length > 0) throw new SweepSpecError(file, errors);
  let root: unknown;
  try {
    root = doc.toJS({ maxAliasCount: MAX_ALIASES });
  } catch (err) {
    throw new SweepSpecError(file, [{ line: 1, column: 1, message: err instanceof Error ? err.message : String(err) }]);
  }
  const v = new Validator(doc, lines);
  const spec = v.spec(root);
  if (v.errors.length > 0 || spec === undefined) {
    v.errors.sort((a, b) => a.line - b.line || a.column - b.column);
    throw new SweepSpecError(file, v.errors);
  }
  return spec;
}

class Validator {
  readonly errors: SpecError[] = [];
  constructor(private readonly doc: Document, private readonly lines: LineCounter) {}

  /** Position of the value at `path`, or of its key when `key` (an unknown key is reported where it is written). */
  private at(path: Path, key = false): { line: number; column: number } {
    let offset = 0;
    if (key && path.length > 0) {
      const parent = path.length === 1 ? this.doc.contents : this.doc.getIn(path.slice(0, -1), true);
      if (isMap(parent)) {
        const pair = parent.items.find((p) => (p.key as { value?: unknown } | null)?.value === path[path.length - 1]);
        const range = (pair?.key as Node | undefined)?.range;
        if (range) offset = range[0];
      }
    }
    if (offset === 0) {
      for (let n = path.length; n >= 0; n--) {
        const node = n === 0 ? this.doc.contents : this.doc.getIn(path.slice(0, n), true);
        const range = (node as Node | null | undefined)?.range;
        if (range) {
          offset = range[0];
          break;
        }
      }
    }
    const p = this.lines.linePos(offset);
    return { line: p.line, column: p.col };
  }

  /** W&B infers int_uniform from integer bounds; `1.0` is a float in the file even though it reads as 1. */
  private intLiteral(path: Path): boolean {
    const node = this.doc.getIn(path, true) as { source?: unknown; value?: unknown } | undefined;
    const text = typeof node?.source === 'string' ? node.source : String(node?.value);
    return /^[-+]?\d+$/.test(text.trim());
  }

  private error(path: Path, message: string, key = false): void {
    this.errors.push({ ...this.at(path, key), message });
  }

  private obj(x: unknown, path: Path, what: string): Record<string, unknown> | undefined {
    if (typeof x === 'object' && x !== null && !Array.isArray(x)) return x as Record<string, unknown>;
    this.error(path, `${what} must be a mapping`);
    return undefined;
  }

  private unknownKeys(o: Record<string, unknown>, path: Path, known: readonly string[], where: string): void {
    for (const k of Object.keys(o)) {
      if (!known.includes(k)) this.error([...path, k], `unknown key "${k}" in ${where} (known: ${known.join(', ')})`, true);
    }
  }

  private num(o: Record<string, unknown>, key: string, path: Path, opts: { int?: boolean; min?: number } = {}): number | undefined {
    const x = o[key];
    if (x === undefined) return undefined;
    if (typeof x !== 'number' || !Number.isFinite(x) || (opts.int && !Number.isInteger(x)) || (opts.min !== undefined && x < opts.min)) {
      const kind = opts.int ? 'an integer' : 'a number';
      this.error([...path, key], `${key} must be ${kind}${opts.min !== undefined ? ` ≥ ${opts.min}` : ''}`);
      return undefined;
    }
    return x;
  }

  private str(o: Record<string, unknown>, key: string, path: Path): string | undefined {
    const x = o[key];
    if (x === undefined) return undefined;
    if (typeof x !== 'string' || x.length === 0) {
      this.error([...path, key], `${key} must be a non-empty string`);
      return undefined;
    }
    return x;
  }

  spec(root: unknown): SweepSpec | undefined {
    if (root === null || root === undefined) {
      this.error([], 'the sweep file is empty');
      return undefined;
    }
    const o = this.obj(root, [], 'a sweep file');
    if (!o) return undefined;
    this.unknownKeys(o, [], TOP_KEYS, 'the sweep file');
    const program = this.str(o, 'program', []);
    const command = this.command(o);
    if (program === undefined && command.some((c) => c.includes('${program}'))) {
      this.error([], 'the sweep has no "program" (its command uses ${program})');
    }
    let method: Method = 'random';
    if (o.method === undefined) this.error([], 'method is missing (grid, random or bayes)');
    else if (o.method === 'grid' || o.method === 'random' || o.method === 'bayes') method = o.method;
    else this.error(['method'], `method must be grid, random or bayes, not ${JSON.stringify(o.method)}`);
    const metric = this.metric(o, method);
    const dims: Dim[] = [];
    if (o.parameters === undefined) this.error([], 'parameters is missing: the search space is empty');
    else this.parameters(o.parameters, ['parameters'], '', dims, method);
    if (o.parameters !== undefined && dims.length === 0 && this.errors.length === 0) this.error(['parameters'], 'the search space is empty');
    if (method === 'bayes' && dims.every((d) => d.kind === 'constant') && dims.length > 0) this.error(['parameters'], 'a bayes sweep needs at least one parameter that varies');
    const earlyTerminate = this.earlyTerminate(o);
    if (earlyTerminate && !metric) this.error(['early_terminate'], 'early_terminate needs a metric');
    const runCap = this.num(o, 'run_cap', [], { int: true, min: 1 });
    const concurrency = this.num(o, 'concurrency', [], { int: true, min: 1 }) ?? 1;
    const seed = this.num(o, 'seed', [], { int: true, min: 0 }) ?? 0;
    const maxFailures = this.num(o, 'max_failures', [], { int: true, min: 1 }) ?? 5;
    const launcher = this.launcher(o);
    const gpus = this.gpus(o);
    const name = this.str(o, 'name', []);
    return { name, program, command, method, metric, space: { dims }, earlyTerminate, runCap, concurrency, seed, launcher, gpus, maxFailures };
  }

  private command(o: Record<string, unknown>): string[] {
    const c = o.command;
    if (c === undefined) return [...DEFAULT_COMMAND];
    if (!Array.isArray(c) || c.length === 0 || c.some((x) => typeof x !== 'string' && typeof x !== 'number')) {
      this.error(['command'], 'command must be a non-empty list of strings');
      return [...DEFAULT_COMMAND];
    }
    const out = c.map(String);
    out.forEach((part, i) => {
      for (const m of part.match(/\$\{[^}]*\}/g) ?? []) {
        if (!MACROS.includes(m)) this.error(['command', i], `unknown macro ${m} (known: ${MACROS.join(', ')})`);
      }
    });
    return out;
  }

  private metric(o: Record<string, unknown>, method: Method): SweepSpec['metric'] {
    if (o.metric === undefined) {
      if (method === 'bayes') this.error([], 'a bayes sweep needs a metric (name and goal)');
      return undefined;
    }
    const m = this.obj(o.metric, ['metric'], 'metric');
    if (!m) return undefined;
    this.unknownKeys(m, ['metric'], ['name', 'goal', 'target'], 'metric');
    const name = this.str(m, 'name', ['metric']);
    if (name === undefined && m.name === undefined) this.error(['metric'], 'metric needs a name');
    let goal: Goal = 'minimize';
    if (m.goal !== undefined) {
      if (m.goal === 'minimize' || m.goal === 'maximize') goal = m.goal;
      else this.error(['metric', 'goal'], `goal must be minimize or maximize, not ${JSON.stringify(m.goal)}`);
    }
    return name === undefined ? undefined : { name, goal };
  }

  private parameters(x: unknown, path: Path, prefix: string, dims: Dim[], method: Method): void {
    const ps = this.obj(x, path, 'parameters');
    if (!ps) return;
    for (const [name, def] of Object.entries(ps)) {
      const p = [...path, name];
      if (name.length === 0 || name.includes('.')) {
        this.error(p, `parameter name ${JSON.stringify(name)} must be non-empty and without dots (nest with "parameters")`, true);
        continue;
      }
      const d = this.obj(def, p, `parameter "${prefix}${name}"`);
      if (!d) continue;
      this.unknownKeys(d, p, PARAM_KEYS, `parameter "${prefix}${name}"`);
      if (d.parameters !== undefined) {
        const others = Object.keys(d).filter((k) => k !== 'parameters');
        if (others.length > 0) this.error([...p, others[0]], `parameter "${prefix}${name}" has nested parameters, so it cannot also have ${others[0]}`, true);
        const before = dims.length;
        this.parameters(d.parameters, [...p, 'parameters'], `${prefix}${name}.`, dims, method);
        if (dims.length === before) this.error([...p, 'parameters'], `nested parameters of "${prefix}${name}" are empty`);
        continue;
      }
      const dim = this.dim(d, p, prefix + name, method);
      if (dim) dims.push(dim);
    }
  }

  private dim(d: Record<string, unknown>, p: Path, key: string, method: Method): Dim | undefined {
    let dist: Distribution;
    if (d.distribution !== undefined) {
      if (typeof d.distribution !== 'string' || !(DISTRIBUTIONS as readonly string[]).includes(d.distribution)) {
        this.error([...p, 'distribution'], `unknown distribution ${JSON.stringify(d.distribution)} (known: ${DISTRIBUTIONS.join(', ')})`);
        return undefined;
      }
      dist = d.distribution as Distribution;
    } else if (d.value !== undefined) dist = 'constant';
    else if (d.values !== undefined) dist = 'categorical';
    else if (typeof d.min === 'number' && typeof d.max === 'number') dist = this.intLiteral([...p, 'min']) && this.intLiteral([...p, 'max']) ? 'int_uniform' : 'uniform';
    else if (d.mu !== undefined || d.sigma !== undefined) dist = 'normal';
    else {
      this.error(p, `parameter "${key}" needs value, values, min and max, or a distribution`, true);
      return undefined;
    }
    if (dist === 'constant') {
      if (!('value' in d)) this.error(p, `parameter "${key}" (constant) needs a value`, true);
      return { kind: 'constant', key, value: d.value as Value };
    }
    if (dist === 'categorical') {
      const values = d.values;
      if (!Array.isArray(values) || values.length === 0) {
        this.error(values === undefined ? p : [...p, 'values'], `parameter "${key}" needs a non-empty list of values`);
        return undefined;
      }
      let probabilities: number[] | undefined;
      if (d.probabilities !== undefined) {
        const pr = d.probabilities;
        if (!Array.isArray(pr) || pr.length !== values.length || pr.some((x) => typeof x !== 'number' || !(x >= 0))) {
          this.error([...p, 'probabilities'], `probabilities of "${key}" must be ${values.length} non-negative numbers, one per value`);
        } else if (Math.abs(pr.reduce((a: number, b: number) => a + b, 0) - 1) > 1e-6) {
          this.error([...p, 'probabilities'], `probabilities of "${key}" must sum to 1`);
        } else probabilities = pr as number[];
      }
      return { kind: 'categorical', key, values: values as Value[], probabilities };
    }
    if (d.values !== undefined || d.value !== undefined) this.error([...p, d.values !== undefined ? 'values' : 'value'], `parameter "${key}" has distribution ${dist}, which takes no value(s)`, true);
    const min = this.num(d, 'min', p);
    const max = this.num(d, 'max', p);
    const mu = this.num(d, 'mu', p) ?? 0;
    const sigma = this.num(d, 'sigma', p, { min: 0 }) ?? 1;
    const q = this.num(d, 'q', p);
    if (q !== undefined && !(q > 0)) this.error([...p, 'q'], `q of "${key}" must be positive`);
    const normal = dist === 'normal' || dist === 'q_normal' || dist === 'log_normal' || dist === 'q_log_normal';
    const quantized = dist.startsWith('q_');
    const base: NumberDim = {
      kind: 'number', key, distribution: dist, bounded: !normal, lo: 0, hi: 0, mu, sigma,
      scale: 'linear', integer: dist === 'int_uniform', q: quantized ? (q ?? 1) : undefined,
    };
    if (normal) {
      if (d.sigma !== undefined && sigma === 0) this.error([...p, 'sigma'], `sigma of "${key}" must be positive`);
      base.scale = dist.includes('log') ? 'log' : 'linear';
      if (method === 'grid') this.error(p, `a grid sweep needs a finite parameter; "${key}" has distribution ${dist}`, true);
      return base;
    }
    if (min === undefined || max === undefined) {
      if (d.min === undefined || d.max === undefined) this.error(p, `parameter "${key}" (${dist}) needs min and max`, true);
      return undefined;
    }
    if (min > max) {
      this.error([...p, 'min'], `min (${min}) is greater than max (${max}) for "${key}"`, true);
      return undefined;
    }
    if (dist === 'int_uniform') {
      if (!Number.isInteger(min) || !Number.isInteger(max)) {
        this.error(p, `int_uniform "${key}" needs integer min and max`, true);
        return undefined;
      }
      return { ...base, lo: min - 0.5, hi: max + 0.5, min, max };
    }
    if (dist === 'uniform' || dist === 'q_uniform') {
      if (method === 'grid' && dist === 'uniform') this.error(p, `a grid sweep needs a finite parameter; "${key}" is uniform (use values, int_uniform or q_uniform)`, true);
      return { ...base, lo: min, hi: max, min, max };
    }
    if (method === 'grid') this.error(p, `a grid sweep needs a finite parameter; "${key}" has distribution ${dist}`, true);
    if (dist === 'log_uniform_values' || dist === 'q_log_uniform_values' || dist === 'inv_log_uniform_values') {
      if (!(min > 0)) {
        this.error([...p, 'min'], `min of "${key}" must be positive for ${dist}`);
        return undefined;
      }
      // inv_log_uniform_values: 1/x log-uniform, which for x in [min, max] is the same law as x log-uniform.
      return { ...base, scale: 'log', lo: Math.log(min), hi: Math.log(max), min, max };
    }
    // W&B's log_uniform family takes min and max as natural logs of the bounds.
    if (dist === 'inv_log_uniform') return { ...base, scale: 'neglog', lo: min, hi: max, min: Math.exp(-max), max: Math.exp(-min) };
    return { ...base, scale: 'log', lo: min, hi: max, min: Math.exp(min), max: Math.exp(max) };
  }

  private earlyTerminate(o: Record<string, unknown>): HyperbandSpec | undefined {
    if (o.early_terminate === undefined) return undefined;
    const p: Path = ['early_terminate'];
    const e = this.obj(o.early_terminate, p, 'early_terminate');
    if (!e) return undefined;
    this.unknownKeys(e, p, ['type', 'min_iter', 'max_iter', 'eta', 's', 'strict'], 'early_terminate');
    if (e.type !== 'hyperband') this.error(e.type === undefined ? p : [...p, 'type'], 'early_terminate type must be hyperband');
    const minIter = this.num(e, 'min_iter', p, { int: true, min: 1 });
    const maxIter = this.num(e, 'max_iter', p, { int: true, min: 1 });
    const eta = this.num(e, 'eta', p, { min: 1.0001 }) ?? 3;
    const s = this.num(e, 's', p, { int: true, min: 1 });
    if (minIter === undefined && maxIter === undefined) this.error(p, 'early_terminate needs min_iter, or max_iter with s');
    else if (minIter === undefined && s === undefined) this.error(p, 'early_terminate with max_iter needs s');
    if (minIter !== undefined && maxIter !== undefined && minIter > maxIter) this.error([...p, 'min_iter'], `min_iter (${minIter}) is greater than max_iter (${maxIter})`);
    return { type: 'hyperband', minIter, maxIter, eta, s };
  }

  private launcher(o: Record<string, unknown>): LauncherSpec {
    const l = o.launcher;
    if (l === undefined || l === 'local') return { type: 'local' };
    if (l === 'slurm') return { type: 'slurm', slurm: { args: [] } };
    const p: Path = ['launcher'];
    if (typeof l === 'string') {
      this.error(p, `launcher must be local or slurm, not ${JSON.stringify(l)}`, true);
      return { type: 'local' };
    }
    const m = this.obj(l, p, 'launcher');
    if (!m) return { type: 'local' };
    if (m.type === 'local') {
      this.unknownKeys(m, p, ['type'], 'launcher (local)');
      return { type: 'local' };
    }
    if (m.type !== 'slurm') {
      this.error(m.type === undefined ? p : [...p, 'type'], 'launcher type must be local or slurm');
      return { type: 'local' };
    }
    this.unknownKeys(m, p, SLURM_KEYS, 'launcher (slurm)');
    const args = m.args;
    if (args !== undefined && (!Array.isArray(args) || args.some((a) => typeof a !== 'string'))) this.error([...p, 'args'], 'args must be a list of strings');
    const text = (k: string): string | undefined => (m[k] === undefined ? undefined : typeof m[k] === 'number' ? String(m[k]) : this.str(m, k, p));
    return {
      type: 'slurm',
      slurm: {
        partition: text('partition'), time: text('time'), mem: text('mem'), gres: text('gres'), account: text('account'), qos: text('qos'),
        cpusPerTask: this.num(m, 'cpus_per_task', p, { int: true, min: 1 }),
        args: Array.isArray(args) ? args.filter((a): a is string => typeof a === 'string') : [],
      },
    };
  }

  private gpus(o: Record<string, unknown>): string[] {
    const g = o.gpus;
    if (g === undefined) return [];
    if (typeof g === 'number' && Number.isInteger(g) && g >= 0) return Array.from({ length: g }, (_, i) => String(i));
    if (Array.isArray(g) && g.every((x) => (typeof x === 'number' && Number.isInteger(x) && x >= 0) || (typeof x === 'string' && /^[A-Za-z0-9-]+$/.test(x)))) return g.map(String);
    this.error(['gpus'], 'gpus must be a count or a list of GPU ids');
    return [];
  }
}
