// NaN and ±Infinity have no JSON spelling. The log format, the persisted index and the CLI's --json output all
// write them as {"$float": "NaN" | "Infinity" | "-Infinity"}; this module is the one place that knows it.

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

/** A number from a log field: a JSON number or a `$float` object; undefined for anything else. */
export function numberFrom(value: unknown): number | undefined {
  if (typeof value === 'number') return value;
  return specialFloat(value);
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
