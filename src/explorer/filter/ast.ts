// The parsed form of a run filter. Plain data, so it can be printed in tests and cached.

export type CompareOp = '<' | '<=' | '>' | '>=' | '=' | '!=' | '~';

/** Fields every run has, beside its params, metrics and summary values. */
export const BUILTIN_FIELDS = [
  'status',
  'name',
  'id',
  'project',
  'group',
  'parent',
  'tags',
  'notes',
  'step',
  'duration',
  'started',
  'ended',
  'starred',
  'archived',
  'commit',
  'dirty',
  'source',
] as const;
export type BuiltinField = (typeof BUILTIN_FIELDS)[number];

export type Field =
  | { kind: 'param' | 'metric' | 'summary'; key: string }
  | { kind: 'builtin'; name: BuiltinField };

export type Literal =
  | { kind: 'number'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'bool'; value: boolean }
  | { kind: 'null' };

export type Expr =
  | { type: 'and' | 'or'; left: Expr; right: Expr }
  | { type: 'not'; expr: Expr }
  | { type: 'compare'; field: Field; op: CompareOp; value: Literal }
  /** A bare word or string: matches the run's name, id, project, group or tags. */
  | { type: 'text'; text: string };
