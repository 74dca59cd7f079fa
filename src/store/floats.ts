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

/** JSON.parse that turns `$float` objects back into numbers. */
export function parseWithFloats<T>(text: string): T {
  return JSON.parse(text, (_key, v: unknown) => specialFloat(v) ?? v) as T;
}
