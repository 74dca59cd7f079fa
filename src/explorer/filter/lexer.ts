// Tokens of the run filter language. Pure: no VS Code, so it is unit-tested directly.
import { FilterError } from './errors';

export type TokenKind = 'lparen' | 'rparen' | 'op' | 'word' | 'string' | 'number' | 'eof';

export interface Token {
  kind: TokenKind;
  /** The source text of the token (for strings: the unquoted, unescaped value). */
  text: string;
  /** 1-based column of the first character. */
  column: number;
  /** Length in the source, quotes included. */
  length: number;
  /** For numbers: the value. */
  value?: number;
}

export const OPERATORS = ['<=', '>=', '!=', '==', '<', '>', '=', '~', '&&', '||', '!'] as const;

// Word characters are generous so metric keys (`val/acc`, `optimizer.lr`, `loss@5`) need no quotes.
const WORD = /[^\s()"'<>=!~&|]/u;
const NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/;

function isWordChar(ch: string | undefined): boolean {
  return ch !== undefined && WORD.test(ch);
}

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const column = i + 1;
    if (ch === '(' || ch === ')') {
      tokens.push({ kind: ch === '(' ? 'lparen' : 'rparen', text: ch, column, length: 1 });
      i++;
      continue;
    }
    if (ch === '"' || ch === "'") {
      const str = readString(source, i);
      tokens.push({ kind: 'string', text: str.value, column, length: str.end - i });
      i = str.end;
      continue;
    }
    const op = OPERATORS.find((o) => source.startsWith(o, i));
    if (op) {
      tokens.push({ kind: 'op', text: op, column, length: op.length });
      i += op.length;
      continue;
    }
    const num = NUMBER.exec(source.slice(i));
    if (num && !isWordChar(source[i + num[0].length])) {
      tokens.push({ kind: 'number', text: num[0], column, length: num[0].length, value: Number(num[0]) });
      i += num[0].length;
      continue;
    }
    if (ch === '&' || ch === '|') throw new FilterError(`'${ch}' is not an operator; use 'and' or 'or'`, column, 1);
    let end = i;
    let text = '';
    while (isWordChar(source[end])) text += source[end++];
    // `params."batch size"`: a quoted key right after a dotted prefix belongs to the same word.
    if (text.endsWith('.') && (source[end] === '"' || source[end] === "'")) {
      const str = readString(source, end);
      text += str.value;
      end = str.end;
    }
    tokens.push({ kind: 'word', text, column, length: end - i });
    i = end;
  }
  tokens.push({ kind: 'eof', text: '', column: source.length + 1, length: 0 });
  return tokens;
}

function readString(source: string, start: number): { value: string; end: number } {
  const quote = source[start];
  let value = '';
  let i = start + 1;
  while (i < source.length) {
    const ch = source[i]!;
    if (ch === '\\' && i + 1 < source.length) {
      value += source[i + 1];
      i += 2;
      continue;
    }
    if (ch === quote) return { value, end: i + 1 };
    value += ch;
    i++;
  }
  throw new FilterError(`unterminated string starting at column ${start + 1}`, start + 1, source.length - start);
}
