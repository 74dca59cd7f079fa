// Parses the run filter language:
//   params.lr < 0.01 and metrics.val/acc > 0.9 and status = finished and tag:baseline
// Grammar (lowest precedence first): or → and (also implicit, by juxtaposition) → not → term, where a term is
// `( … )`, `field op value`, `key:value` shorthand, or a bare word/string that searches names and tags.
import type { BuiltinField, CompareOp, Expr, Field, Literal } from './ast';
import { BUILTIN_FIELDS } from './ast';
import { FilterError } from './errors';
import { tokenize, type Token } from './lexer';

const STATUSES = ['running', 'finished', 'failed', 'killed', 'crashed'];
const PREFIXES: Record<string, 'param' | 'metric' | 'summary'> = {
  'params.': 'param',
  'param.': 'param',
  'config.': 'param',
  'metrics.': 'metric',
  'metric.': 'metric',
  'summary.': 'summary',
};
const ALIASES: Record<string, BuiltinField> = { tag: 'tags', start: 'started', end: 'ended', state: 'status', git: 'commit' };
const IS_FLAGS: Record<string, Expr> = {
  starred: { type: 'compare', field: { kind: 'builtin', name: 'starred' }, op: '=', value: { kind: 'bool', value: true } },
  archived: { type: 'compare', field: { kind: 'builtin', name: 'archived' }, op: '=', value: { kind: 'bool', value: true } },
  dirty: { type: 'compare', field: { kind: 'builtin', name: 'dirty' }, op: '=', value: { kind: 'bool', value: true } },
};
for (const s of STATUSES) {
  IS_FLAGS[s] = { type: 'compare', field: { kind: 'builtin', name: 'status' }, op: '=', value: { kind: 'string', value: s } };
}
// `name:foo` reads as "name contains foo"; exact for the fields where containment would surprise.
const EXACT_SHORTHAND = new Set<BuiltinField>(['status', 'tags', 'project', 'group', 'parent', 'id', 'starred', 'archived', 'dirty', 'source']);
const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|min|h|d)$/;
const UNIT_SECONDS: Record<string, number> = { ms: 0.001, s: 1, m: 60, min: 60, h: 3600, d: 86400 };

/** Parses a filter; an empty or blank filter gives `undefined` (everything matches). Throws FilterError. */
export function parseFilter(source: string): Expr | undefined {
  const parser = new Parser(tokenize(source));
  if (parser.peek().kind === 'eof') return undefined;
  const expr = parser.parseOr();
  const rest = parser.peek();
  if (rest.kind === 'rparen') throw new FilterError(`unexpected ')' with no '(' to close`, rest.column);
  if (rest.kind !== 'eof') throw new FilterError(`unexpected '${rest.text}'`, rest.column, rest.length);
  return expr;
}

/** The parse error of a filter, or undefined when it is valid: for live validation in an input box. */
export function filterProblem(source: string): FilterError | undefined {
  try {
    parseFilter(source);
    return undefined;
  } catch (err) {
    if (err instanceof FilterError) return err;
    throw err;
  }
}

function keyword(token: Token, ...words: string[]): boolean {
  return token.kind === 'word' && words.includes(token.text.toLowerCase());
}

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  peek(): Token {
    return this.tokens[this.pos]!;
  }

  private next(): Token {
    const t = this.tokens[this.pos]!;
    if (t.kind !== 'eof') this.pos++;
    return t;
  }

  private isOr(t: Token): boolean {
    return keyword(t, 'or') || (t.kind === 'op' && t.text === '||');
  }

  private isAnd(t: Token): boolean {
    return keyword(t, 'and') || (t.kind === 'op' && t.text === '&&');
  }

  parseOr(): Expr {
    let left = this.parseAnd();
    while (this.isOr(this.peek())) {
      const op = this.next();
      left = { type: 'or', left, right: this.operand(op, () => this.parseAnd()) };
    }
    return left;
  }

  private parseAnd(): Expr {
    let left = this.parseNot();
    for (;;) {
      const t = this.peek();
      if (this.isAnd(t)) {
        this.next();
        left = { type: 'and', left, right: this.operand(t, () => this.parseNot()) };
      } else if (t.kind === 'eof' || t.kind === 'rparen' || this.isOr(t)) {
        return left;
      } else {
        left = { type: 'and', left, right: this.parseNot() };
      }
    }
  }

  /** Parses the right-hand side of `op`, with an error naming `op` when there is none. */
  private operand(op: Token, parse: () => Expr): Expr {
    const t = this.peek();
    if (t.kind === 'eof' || t.kind === 'rparen' || this.isAnd(t) || this.isOr(t)) {
      throw new FilterError(`expected a condition after '${op.text}'`, t.column, Math.max(t.length, 1));
    }
    return parse();
  }

  private parseNot(): Expr {
    const t = this.peek();
    if (keyword(t, 'not') || (t.kind === 'op' && t.text === '!')) {
      this.next();
      return { type: 'not', expr: this.operand(t, () => this.parseNot()) };
    }
    return this.parseTerm();
  }

  private parseTerm(): Expr {
    const t = this.next();
    switch (t.kind) {
      case 'lparen': {
        const inner = this.operand(t, () => this.parseOr());
        const close = this.peek();
        if (close.kind !== 'rparen') {
          throw new FilterError(`expected ')' to close the '(' at column ${t.column}, found ${describe(close)} at column ${close.column}`, close.column);
        }
        this.next();
        return inner;
      }
      case 'rparen':
        throw new FilterError(`unexpected ')' with no '(' to close`, t.column);
      case 'eof':
        throw new FilterError('expected a condition', t.column);
      case 'op':
        throw new FilterError(`expected a field before '${t.text}'`, t.column, t.length);
      case 'string':
      case 'number':
        if (this.peek().kind === 'op') throw new FilterError(`expected a field name before '${this.peek().text}', found ${describe(t)}`, t.column, t.length);
        return { type: 'text', text: t.text };
      case 'word':
        return this.parseWordTerm(t);
    }
  }

  private parseWordTerm(t: Token): Expr {
    if (keyword(t, 'and', 'or')) throw new FilterError(`'${t.text}' needs a condition on its left`, t.column, t.length);
    const op = this.peek();
    if (op.kind === 'op' && op.text !== '!' && op.text !== '&&' && op.text !== '||') {
      this.next();
      const field = resolveField(t);
      const value = this.parseValue(field, op);
      return compare(field, normalizeOp(op.text), value, op);
    }
    if (t.text.startsWith('-') && t.text.length > 1) {
      // `-tag:old`, like search engines: a leading minus negates a shorthand or a word.
      const inner: Token = { ...t, text: t.text.slice(1), column: t.column + 1, length: t.length - 1 };
      const innerColon = inner.text.indexOf(':');
      return { type: 'not', expr: innerColon > 0 ? this.shorthand(inner, innerColon) : { type: 'text', text: inner.text } };
    }
    const colon = t.text.indexOf(':');
    if (colon > 0) return this.shorthand(t, colon);
    return { type: 'text', text: t.text };
  }

  private shorthand(t: Token, colon: number): Expr {
    const head = t.text.slice(0, colon).toLowerCase();
    let raw = t.text.slice(colon + 1);
    if (raw === '' && this.peek().kind === 'string') raw = this.next().text; // tag:"two words"
    if (raw === '') throw new FilterError(`expected a value after '${t.text}'`, t.column + t.length, 1);
    if (head === 'is') {
      const flag = IS_FLAGS[raw.toLowerCase()];
      if (!flag) throw new FilterError(`unknown flag 'is:${raw}' (try ${Object.keys(IS_FLAGS).map((k) => `is:${k}`).join(', ')})`, t.column, t.length);
      return flag;
    }
    const fieldToken: Token = { ...t, text: t.text.slice(0, colon), length: colon };
    const field = resolveField(fieldToken);
    const exact = field.kind !== 'builtin' || EXACT_SHORTHAND.has(field.name);
    const value = literalFor(field, { kind: 'word', text: raw, column: t.column + colon + 1, length: raw.length });
    return compare(field, exact || value.kind !== 'string' ? '=' : '~', value, { ...t, text: ':' });
  }

  private parseValue(field: Field, op: Token): Literal {
    const t = this.peek();
    if (t.kind !== 'word' && t.kind !== 'string' && t.kind !== 'number') {
      throw new FilterError(`expected a value after '${op.text}', found ${describe(t)} at column ${t.column}`, t.column, Math.max(t.length, 1));
    }
    if (t.kind === 'word' && keyword(t, 'and', 'or', 'not')) {
      throw new FilterError(`expected a value after '${op.text}', found '${t.text}' at column ${t.column} (quote it to mean the word)`, t.column, t.length);
    }
    this.next();
    return literalFor(field, t);
  }
}

function describe(t: Token): string {
  if (t.kind === 'eof') return 'the end of the filter';
  if (t.kind === 'string') return `"${t.text}"`;
  return `'${t.text}'`;
}

function normalizeOp(op: string): CompareOp {
  return (op === '==' ? '=' : op) as CompareOp;
}

function compare(field: Field, op: CompareOp, value: Literal, at: Token): Expr {
  if (field.kind === 'builtin' && field.name === 'status' && op !== '=' && op !== '!=' && op !== '~') {
    throw new FilterError(`status is compared with = or !=, not '${at.text}'`, at.column, at.length);
  }
  return { type: 'compare', field, op, value };
}

/** Maps a field word to a field, or explains what fields exist. */
export function resolveField(t: Token): Field {
  const lower = t.text.toLowerCase();
  for (const [prefix, kind] of Object.entries(PREFIXES)) {
    if (lower.startsWith(prefix)) {
      const key = t.text.slice(prefix.length);
      if (!key) throw new FilterError(`expected a key after '${t.text}'`, t.column + t.length, 1);
      return { kind, key };
    }
  }
  const name = ALIASES[lower] ?? lower;
  if ((BUILTIN_FIELDS as readonly string[]).includes(name)) return { kind: 'builtin', name: name as BuiltinField };
  throw new FilterError(
    `unknown field '${t.text}' (use params.${t.text}, metrics.${t.text}, summary.${t.text} or one of ${BUILTIN_FIELDS.join(', ')})`,
    t.column,
    t.length,
  );
}

/** Interprets a value token in the light of its field: statuses are checked, durations and dates converted. */
function literalFor(field: Field, t: Token): Literal {
  if (t.kind === 'number') return { kind: 'number', value: t.value! };
  const text = t.text;
  const builtin = field.kind === 'builtin' ? field.name : undefined;
  if (builtin === 'status') {
    const s = text.toLowerCase();
    if (!STATUSES.includes(s)) throw new FilterError(`unknown status '${text}' (one of ${STATUSES.join(', ')})`, t.column, t.length);
    return { kind: 'string', value: s };
  }
  if (builtin === 'started' || builtin === 'ended') {
    const ms = Date.parse(text);
    if (Number.isNaN(ms)) throw new FilterError(`expected a date like 2024-05-01 or 2024-05-01T12:00, found '${text}'`, t.column, t.length);
    return { kind: 'number', value: ms };
  }
  if (t.kind === 'string') return { kind: 'string', value: text };
  const lower = text.toLowerCase();
  if (lower === 'true' || lower === 'false') return { kind: 'bool', value: lower === 'true' };
  if (lower === 'null' || lower === 'none') return { kind: 'null' };
  if (lower === 'nan') return { kind: 'number', value: NaN };
  if (lower === 'inf' || lower === '+inf' || lower === 'infinity') return { kind: 'number', value: Infinity };
  if (lower === '-inf' || lower === '-infinity') return { kind: 'number', value: -Infinity };
  if (builtin === 'duration') {
    const m = DURATION.exec(lower);
    if (!m) throw new FilterError(`expected a duration like 90s, 5m, 2h or 1d, found '${text}'`, t.column, t.length);
    return { kind: 'number', value: Number(m[1]) * UNIT_SECONDS[m[2]!]! };
  }
  return { kind: 'string', value: text };
}
