// JSON as Python's json module writes it by default: `NaN`, `Infinity` and `-Infinity` bare (allow_nan), which
// JSON.parse refuses. They are read as the numbers they are; anything else invalid is a problem with its line and
// byte offset.
import { isRecord } from './yaml';

const BARE = /(?<=[:,[]\s*)(-?)(NaN|Infinity)(?=\s*[,}\]])/g;
const TAG = '\u{10FFFF}bare:';

export type JsonResult = { value: Record<string, unknown> } | { problem: string; line?: number; offset?: number };

export function parsePythonJson(text: string): JsonResult {
  try {
    const value: unknown = JSON.parse(text.replace(BARE, `"${TAG}$1$2"`), (_k, v: unknown) => (typeof v === 'string' && v.startsWith(TAG) ? Number(v.slice(TAG.length)) : v));
    return isRecord(value) ? { value } : { problem: 'should hold a JSON object' };
  } catch (err) {
    const m = /position (\d+)/.exec(String(err));
    const offset = m === null ? undefined : Number(m[1]);
    const line = offset === undefined ? undefined : text.slice(0, offset).split('\n').length;
    return { problem: `not valid JSON (${err instanceof Error ? err.message.slice(0, 120) : String(err)})`, ...(line === undefined ? {} : { line, offset }) };
  }
}
