// One log line → one record object. JSON.parse is the fast path; only when it fails do we retry with the bare
// NaN / Infinity / -Infinity tokens that Python's json module writes, so well-formed logs never pay for it.

export type ParsedLine = { ok: true; record: Record<string, unknown> } | { ok: false; reason: string };

const BARE_TOKENS: ReadonlyArray<[string, string]> = [
  ['-Infinity', '{"$float":"-Infinity"}'],
  ['Infinity', '{"$float":"Infinity"}'],
  ['NaN', '{"$float":"NaN"}'],
];

/**
 * Rewrites bare special-float tokens outside strings into `$float` objects, or returns undefined when the line
 * has none (so the original parse error stands).
 */
export function rewriteBareFloats(text: string): string | undefined {
  let out = '';
  let copiedTo = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
      continue;
    }
    if (c === 34) {
      inString = true;
      continue;
    }
    // Only N, I and - can start a token we rewrite.
    if (c !== 78 && c !== 73 && c !== 45) continue;
    for (const [token, replacement] of BARE_TOKENS) {
      if (text.startsWith(token, i)) {
        out += text.slice(copiedTo, i) + replacement;
        i += token.length - 1;
        copiedTo = i + 1;
        break;
      }
    }
  }
  if (copiedTo === 0) return undefined;
  return out + text.slice(copiedTo);
}

function describe(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  // V8 quotes the whole input in some messages; a 10 MB line must not become a 10 MB diagnostic.
  return message.length > 160 ? `${message.slice(0, 157)}...` : message;
}

/**
 * Deeper than any config a person writes (Python's json module stops near 1,000), shallow enough that every
 * recursive walk after parsing (floats, params, stringify for the index) stays far from the stack's end.
 */
export const MAX_NESTING = 256;

/** Whether objects and arrays in `value` nest deeper than `max`: a walk with its own stack, never recursion. */
export function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: unknown[] = [value];
  const depths: number[] = [1];
  while (stack.length > 0) {
    const v = stack.pop();
    const depth = depths.pop() as number;
    if (v === null || typeof v !== 'object') continue;
    if (depth > max) return true;
    const children = Array.isArray(v) ? v : Object.values(v as Record<string, unknown>);
    for (const c of children) {
      if (c !== null && typeof c === 'object') {
        stack.push(c);
        depths.push(depth + 1);
      }
    }
  }
  return false;
}

export function parseLine(text: string): ParsedLine {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const rewritten = rewriteBareFloats(text);
    if (rewritten === undefined) return { ok: false, reason: `not valid JSON (${describe(err)})` };
    try {
      value = JSON.parse(rewritten);
    } catch {
      return { ok: false, reason: `not valid JSON (${describe(err)})` };
    }
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { ok: false, reason: 'not a JSON object' };
  }
  // JSON.parse reads any depth without recursing; what handles the record after it does recurse.
  // Nesting past MAX_NESTING takes an opening and a closing bracket per level, so short lines skip the walk.
  if (text.length > 2 * MAX_NESTING && nestsDeeperThan(value, MAX_NESTING)) return { ok: false, reason: `nested deeper than ${MAX_NESTING} levels; the line is skipped` };
  return { ok: true, record: value as Record<string, unknown> };
}
