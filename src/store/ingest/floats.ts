// NaN and ±Infinity have no JSON spelling. The log format, the persisted index and the CLI's --json output all
// write them as {"$float": "NaN" | "Infinity" | "-Infinity"}; this module is the one place that knows it.
// Integers beyond ±2^53 have a JSON spelling that JSON.parse reads wrong, so the log format writes them as
// {"$int": "<digits>"} (docs/log-format.md, "Large integers"); this module also decides what counts as one.

export type FloatSpelling = 'NaN' | 'Infinity' | '-Infinity';

/** The `{"$float": …}` spelling's number, or undefined when `value` is not one. */
export function specialFloat(value: unknown): number | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const spelled = (value as { $float?: unknown }).$float;
  if (spelled === 'NaN') return NaN;
  if (spelled === 'Infinity' || spelled === '+Infinity' || spelled === 'inf') return Infinity;
  if (spelled === '-Infinity' || spelled === '-inf') return -Infinity;
  return undefined;
}

/** Longest digit string taken as an `$int`: far past the double range (≈1.8e308), short enough to show. */
export const MAX_INT_DIGITS = 400;

const INT_TEXT = /^-?[0-9]+$/;

/** The `{"$int": "<digits>"}` spelling of an exact integer (a type, not an interface: it is also a JSON object). */
export type IntTag = { $int: string };

/**
 * The digits of a `{"$int": "<digits>"}` object, or undefined when `value` is not exactly one: a single own key
 * `$int` holding an optional `-` and 1 to MAX_INT_DIGITS decimal digits. Anything else (`{"$int": "12a"}`,
 * `{"$int": 5, "x": 1}`) is an ordinary object.
 */
export function intTagDigits(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  if (!Object.hasOwn(value, '$int')) return undefined;
  const digits = (value as { $int?: unknown }).$int;
  if (typeof digits !== 'string' || digits.length - (digits.startsWith('-') ? 1 : 0) > MAX_INT_DIGITS || !INT_TEXT.test(digits)) return undefined;
  // Counted last: it allocates, and most objects fail the cheaper checks first.
  return Object.keys(value).length === 1 ? digits : undefined;
}

export function intTag(digits: string): IntTag {
  return { $int: digits };
}

/** Digits worth keeping beside their double: those the double does not hold exactly (beyond ±2^53). */
export function needsDigits(digits: string): boolean {
  return !Number.isSafeInteger(Number(digits));
}

/**
 * The exact decimal text of an integer value: its recorded digits, else the double's own exact value (2^64 is
 * `18446744073709551616`); undefined for anything that is not an integer. Compares a tagged value with a bare one.
 */
export function integerText(value: unknown, digits: string | undefined): string | undefined {
  if (digits !== undefined) return digits;
  return typeof value === 'number' && Number.isInteger(value) ? BigInt(value).toString() : undefined;
}

/** A number from a log field: a JSON number, a `$float` object or an `$int` object (as its nearest double). */
export function numberFrom(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  const special = specialFloat(value);
  if (special !== undefined) return special;
  const digits = intTagDigits(value);
  return digits === undefined ? undefined : Number(digits);
}

function spell(n: number): { $float: FloatSpelling } {
  return { $float: Number.isNaN(n) ? 'NaN' : n > 0 ? 'Infinity' : '-Infinity' };
}

/** JSON.stringify that keeps NaN/±Infinity (as `$float` objects) and writes typed arrays as plain arrays. */
export function stringifyWithFloats(value: unknown, indent?: number): string {
  return JSON.stringify(
    value,
    function (_key, v: unknown) {
      if (typeof v === 'number' && !Number.isFinite(v)) return spell(v);
      if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as Float64Array);
      return v;
    },
    indent,
  );
}

/** Replaces `$float` objects inside `value` (in place) with their numbers; returns the possibly replaced root. */
export function reviveFloats(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  const special = specialFloat(value);
  if (special !== undefined) return special;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      if (v !== null && typeof v === 'object') value[i] = reviveFloats(v);
    }
    return value;
  }
  const obj = value as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    const v = obj[key];
    if (v === null || typeof v !== 'object') continue;
    const revived = reviveFloats(v);
    if (revived === v) continue;
    // defineProperty, not assignment: a key named __proto__ must stay an own property.
    Object.defineProperty(obj, key, { value: revived, enumerable: true, writable: true, configurable: true });
  }
  return obj;
}

/**
 * JSON.parse that turns `$float` objects back into numbers. A walk after parsing, not a reviver: revivers call
 * back for every value and made loading a large index several times slower.
 */
export function parseWithFloats<T>(text: string): T {
  return reviveFloats(JSON.parse(text)) as T;
}
