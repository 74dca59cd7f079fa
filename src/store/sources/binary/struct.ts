// google.protobuf.Value, Struct and ListValue (struct.proto) as plain JSON values: how TensorBoard's hparams
// plugin stores hyperparameter values. Nesting is bounded so a crafted file cannot overflow the stack.
import { LEN, WireError, type WireReader } from './wire';

const MAX_DEPTH = 32;

export type JsonValue = null | number | string | boolean | JsonValue[] | { [key: string]: JsonValue };

/** Reads a Value message spanning the reader's current message (call inside enter()/leave()). */
export function readValue(r: WireReader, depth = 0): JsonValue {
  if (depth > MAX_DEPTH) throw new WireError(`values nested deeper than ${MAX_DEPTH}`, r.pos);
  let out: JsonValue = null;
  for (let key = r.key(); key !== 0; key = r.key()) {
    switch (key) {
      case (1 << 3) | 0: // null_value
        r.varint();
        out = null;
        break;
      case (2 << 3) | 1: // number_value
        out = r.double();
        break;
      case (3 << 3) | LEN: // string_value
        out = r.string();
        break;
      case (4 << 3) | 0: // bool_value
        out = r.bool();
        break;
      case (5 << 3) | LEN: {
        const outer = r.enter();
        out = readStruct(r, depth + 1);
        r.leave(outer);
        break;
      }
      case (6 << 3) | LEN: {
        const outer = r.enter();
        out = readList(r, depth + 1);
        r.leave(outer);
        break;
      }
      default:
        r.skip(key);
    }
  }
  return out;
}

/** A Struct: `map<string, Value> fields = 1`, each entry a message of key = 1, value = 2. */
export function readStruct(r: WireReader, depth = 0): { [key: string]: JsonValue } {
  const out: { [key: string]: JsonValue } = {};
  for (let key = r.key(); key !== 0; key = r.key()) {
    if (key !== ((1 << 3) | LEN)) {
      r.skip(key);
      continue;
    }
    const outer = r.enter();
    const [name, value] = readMapEntry(r, depth);
    r.leave(outer);
    // Own property even for "__proto__": a key from a file must never reach the prototype.
    Object.defineProperty(out, name, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/** One `map<string, Value>` entry (inside enter()/leave()). */
export function readMapEntry(r: WireReader, depth = 0): [string, JsonValue] {
  let name = '';
  let value: JsonValue = null;
  for (let key = r.key(); key !== 0; key = r.key()) {
    if (key === ((1 << 3) | LEN)) name = r.string();
    else if (key === ((2 << 3) | LEN)) {
      const outer = r.enter();
      value = readValue(r, depth + 1);
      r.leave(outer);
    } else r.skip(key);
  }
  return [name, value];
}

function readList(r: WireReader, depth: number): JsonValue[] {
  const out: JsonValue[] = [];
  for (let key = r.key(); key !== 0; key = r.key()) {
    if (key !== ((1 << 3) | LEN)) {
      r.skip(key);
      continue;
    }
    const outer = r.enter();
    out.push(readValue(r, depth + 1));
    r.leave(outer);
  }
  return out;
}
