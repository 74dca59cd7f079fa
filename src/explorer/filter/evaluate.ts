// Turns a parsed filter into a predicate over runs. Missing values never match a comparison except `!=`, and
// NaN never compares (a diverged run is not "< 0.1"), mirroring how people read such filters.
import type { ParamValue } from '../../store/types';
import type { CompareOp, Expr, Field, Literal } from './ast';
import { parseFilter } from './parser';
import type { ExplorerRun } from '../model/run';

export type RunPredicate = (run: ExplorerRun) => boolean;

const METRIC_AGGREGATES = ['last', 'min', 'max', 'count'] as const;

export function compileFilter(source: string, now: () => number = Date.now): RunPredicate {
  const expr = parseFilter(source);
  return expr ? compile(expr, now) : () => true;
}

export function compile(expr: Expr, now: () => number = Date.now): RunPredicate {
  switch (expr.type) {
    case 'and': {
      const l = compile(expr.left, now);
      const r = compile(expr.right, now);
      return (run) => l(run) && r(run);
    }
    case 'or': {
      const l = compile(expr.left, now);
      const r = compile(expr.right, now);
      return (run) => l(run) || r(run);
    }
    case 'not': {
      const inner = compile(expr.expr, now);
      return (run) => !inner(run);
    }
    case 'text': {
      const needle = expr.text.toLowerCase();
      return (run) =>
        [run.name, run.id, run.project, run.group ?? '', ...run.tags].some((s) => s.toLowerCase().includes(needle));
    }
    case 'compare': {
      const { field, op, value } = expr;
      return (run) => compareValue(fieldValue(run, field, now), op, value);
    }
  }
}

type Value = ParamValue | undefined | string[];

/** The run's value for a field; `undefined` when the run has none. */
export function fieldValue(run: ExplorerRun, field: Field, now: () => number = Date.now): Value {
  switch (field.kind) {
    case 'param':
      return field.key in run.params ? run.params[field.key] : undefined;
    case 'summary':
      return field.key in run.summary ? run.summary[field.key] : undefined;
    case 'metric': {
      const m = run.metrics[field.key];
      if (m) return m.last;
      // `metrics.val/loss.min`: an aggregate, when no metric has the dotted key itself.
      const dot = field.key.lastIndexOf('.');
      const agg = field.key.slice(dot + 1) as (typeof METRIC_AGGREGATES)[number];
      const base = run.metrics[field.key.slice(0, dot)];
      if (dot > 0 && base && METRIC_AGGREGATES.includes(agg)) return base[agg];
      return undefined;
    }
    case 'builtin':
      switch (field.name) {
        case 'status':
          return run.status;
        case 'name':
          return run.name;
        case 'id':
          return run.id;
        case 'project':
          return run.project;
        case 'group':
          return run.group;
        case 'parent':
          return run.parent;
        case 'tags':
          return run.tags;
        case 'notes':
          return run.notes;
        case 'step':
          return run.lastStep;
        case 'duration':
          return durationMs(run, now()) / 1000;
        case 'started':
          return run.startTime;
        case 'ended':
          return run.endTime;
        case 'starred':
          return run.starred === true;
        case 'archived':
          return run.archived === true;
        case 'commit':
          return run.gitCommit;
        case 'dirty':
          return run.gitDirty;
        case 'source':
          return run.source ?? 'trackside';
      }
  }
}

/** Wall time the run took, or has taken so far if it is still running. */
export function durationMs(run: ExplorerRun, now: number): number {
  // A teammate's run fetched while it ran: running as of when it was shared, not now (it is not live here).
  const end = run.status === 'running' ? (run.sharedAt ?? now) : (run.endTime ?? run.lastUpdate);
  return Math.max(0, end - run.startTime);
}

function compareValue(actual: Value, op: CompareOp, lit: Literal): boolean {
  if (Array.isArray(actual)) {
    const hit = actual.some((item) => compareValue(item, op === '!=' ? '=' : op, lit));
    return op === '!=' ? !hit : hit;
  }
  if (lit.kind === 'null') {
    if (op === '=') return actual == null;
    if (op === '!=') return actual != null;
    return false;
  }
  if (actual == null) return op === '!=';
  if (op === '~') return String(actual).toLowerCase().includes(String(literalValue(lit)).toLowerCase());
  if (typeof actual === 'boolean') {
    const want = lit.kind === 'bool' ? lit.value : lit.kind === 'number' ? lit.value !== 0 : lit.value.toLowerCase() === 'true';
    return op === '=' ? actual === want : op === '!=' ? actual !== want : false;
  }
  if (typeof actual === 'number') {
    const want = lit.kind === 'number' ? lit.value : lit.kind === 'string' && lit.value.trim() !== '' ? Number(lit.value) : NaN;
    if (lit.kind === 'number' && Number.isNaN(lit.value)) {
      // `= nan` finds diverged runs; any other comparison with NaN is meaningless.
      return op === '=' ? Number.isNaN(actual) : op === '!=' ? !Number.isNaN(actual) : false;
    }
    if (Number.isNaN(want)) return op === '!=';
    if (Number.isNaN(actual)) return op === '!=';
    return ordered(actual - want, op) ?? false;
  }
  // A string value: numbers logged as text ("0.01") still compare numerically against a number.
  if (lit.kind === 'number') {
    const n = actual.trim() === '' ? NaN : Number(actual);
    if (Number.isNaN(n)) return op === '!=';
    return ordered(n - lit.value, op) ?? false;
  }
  const want = String(literalValue(lit));
  return ordered(actual.toLowerCase().localeCompare(want.toLowerCase()), op) ?? false;
}

function ordered(diff: number, op: CompareOp): boolean | undefined {
  switch (op) {
    case '<':
      return diff < 0;
    case '<=':
      return diff <= 0;
    case '>':
      return diff > 0;
    case '>=':
      return diff >= 0;
    case '=':
      return diff === 0;
    case '!=':
      return diff !== 0;
    case '~':
      return undefined;
  }
}

function literalValue(lit: Literal): string | number | boolean | null {
  return lit.kind === 'null' ? null : lit.value;
}
