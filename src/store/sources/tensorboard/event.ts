// TensorBoard's Event protobuf (tensorboard/compat/proto/event.proto, summary.proto, tensor.proto), decoded in
// place: wall_time = 1, step = 2, file_version = 3, summary = 5 → Summary.value (tag = 1, simple_value = 2,
// tensor = 8, metadata = 9 → plugin_data = 1 → plugin_name = 1, content = 2). Scalars come from simple_value
// (TF1, tensorboardX, PyTorch) and from one-element numeric tensors (TF2's tf.summary.scalar); the hparams
// plugin's session info becomes params, the text plugin's strings notes. Images, histograms, audio, graphs
// and the rest are skipped unread.
import { WireError, WireReader } from '../binary/wire';
import { readHParams, type HParamsData } from './hparams';

export interface EventSink {
  /** Every event, before what it holds: its wall time (seconds) and step. */
  event(wallTime: number, step: number): void;
  scalar(tag: string, step: number, wallTime: number, value: number): void;
  text(tag: string, step: number, wallTime: number, text: string): void;
  hparams(data: HParamsData, wallTime: number): void;
  fileVersion(version: string): void;
}

// Wire types, local: this file's switches are the hot loop, and an imported binding is a property read per case
// once the modules are compiled to CommonJS (as tsx and the tests run them).
const VARINT = 0;
const I64 = 1;
const LEN = 2;
const I32 = 5;

// TensorFlow's DataType numbers (types.proto).
const DT_FLOAT = 1;
const DT_DOUBLE = 2;
const DT_INT32 = 3;
const DT_UINT8 = 4;
const DT_INT16 = 5;
const DT_INT8 = 6;
const DT_STRING = 7;
const DT_INT64 = 9;
const DT_BOOL = 10;
const DT_BFLOAT16 = 14;
const DT_UINT16 = 17;
const DT_HALF = 19;
const DT_UINT32 = 22;
const DT_UINT64 = 23;

/** Plugins whose values are scalars; a tag under any other plugin is not plotted. */
const SCALAR_PLUGINS = new Set(['', 'scalars']);
const MAX_TEXT = 16 << 10;

/** Half-precision bits to a double. */
export function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac === 0 ? sign * Infinity : NaN;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** Tag strings by their bytes, so a tag repeated in every event is decoded once. */
class TagInterner {
  // Direct-mapped by a hash of the bytes: a run's few hundred tags mostly find their slot at once.
  private readonly slotBytes: Array<Uint8Array | undefined> = new Array<Uint8Array | undefined>(1024).fill(undefined);
  private readonly slotTags: string[] = new Array<string>(1024).fill('');

  get(r: WireReader, start: number, end: number): string {
    const b = r.bytes;
    const n = end - start;
    if (n === 0) return '';
    // The slot from the length and three bytes (tags mostly differ at the end: `loss/train`, `metric_7`), not a
    // hash of every byte: the comparison below reads them all anyway, and a collision only costs a decode.
    let h = Math.imul(n ^ b[end - 1], 0x9e3779b1);
    h = Math.imul(h ^ b[start + (n >> 1)], 0x85ebca77);
    h = Math.imul(h ^ b[start], 0xc2b2ae3d);
    const slot = (h ^ (h >>> 15)) & 1023;
    const known = this.slotBytes[slot];
    if (known !== undefined && known.length === n) {
      let same = true;
      for (let i = 0; i < known.length; i++) {
        if (known[i] !== b[start + i]) {
          same = false;
          break;
        }
      }
      if (same) return this.slotTags[slot];
    }
    // A new tag, or another one in the slot: decode it and let it take the slot.
    const tag = r.text(start, end);
    this.slotBytes[slot] = b.slice(start, end);
    this.slotTags[slot] = tag;
    return tag;
  }
}

export class EventDecoder {
  private readonly r = new WireReader();
  private readonly tags = new TagInterner();
  /**
   * The plugin of each tag that named one other than scalars. Writers put the metadata on a tag's first value
   * only, so this must outlive a pass: the reader keeps it in its cursor (see `plugins`).
   */
  readonly plugins: Map<string, string>;

  constructor(plugins: Record<string, string> = {}) {
    this.plugins = new Map(Object.entries(plugins));
  }

  /** Decodes one Event from `bytes[start, end)`; throws WireError when it is malformed. */
  decode(bytes: Uint8Array, start: number, end: number, sink: EventSink): void {
    const r = this.r.reset(bytes, start, end);
    let wallTime = 0;
    let step = 0;
    let summaryStart = -1;
    let summaryEnd = -1;
    for (let key = r.key(); key !== 0; key = r.key()) {
      switch (key) {
        case (1 << 3) | I64:
          wallTime = r.double();
          break;
        case (2 << 3) | VARINT:
          step = r.int64();
          break;
        case (3 << 3) | LEN:
          sink.fileVersion(r.string());
          break;
        case (5 << 3) | LEN:
          summaryEnd = r.len();
          summaryStart = r.pos;
          r.pos = summaryEnd;
          break;
        default:
          r.skip(key);
      }
    }
    sink.event(wallTime, step);
    if (summaryStart < 0) return;
    r.pos = summaryStart;
    r.end = summaryEnd;
    for (let key = r.key(); key !== 0; key = r.key()) {
      if (key !== ((1 << 3) | LEN)) {
        r.skip(key);
        continue;
      }
      const outer = r.enter();
      this.value(sink, step, wallTime);
      r.leave(outer);
    }
  }

  /** One Summary.Value (the reader is inside it). */
  private value(sink: EventSink, step: number, wallTime: number): void {
    const r = this.r;
    // What nearly every value of a scalar log is, as add_scalar writes it: a short tag, then a simple_value, and
    // nothing else. Read straight from the bytes; any other shape (or order) goes through the field loop below.
    const b = r.bytes;
    const at = r.pos;
    const n = b[at + 1];
    if (b[at] === ((1 << 3) | LEN) && n < 0x80 && at + n + 7 === r.end && b[at + n + 2] === ((2 << 3) | I32)) {
      sink.scalar(this.tags.get(r, at + 2, at + 2 + n), step, wallTime, r.data.getFloat32(at + n + 3, true));
      r.pos = r.end;
      return;
    }
    let tagStart = -1;
    let tagEnd = -1;
    let simple: number | undefined;
    let tensorStart = -1;
    let tensorEnd = -1;
    let plugin: string | undefined;
    let contentStart = -1;
    let contentEnd = -1;
    for (let key = r.key(); key !== 0; key = r.key()) {
      switch (key) {
        case (1 << 3) | LEN:
          tagEnd = r.len();
          tagStart = r.pos;
          r.pos = tagEnd;
          break;
        case (2 << 3) | I32:
          simple = r.float();
          break;
        case (8 << 3) | LEN:
          tensorEnd = r.len();
          tensorStart = r.pos;
          r.pos = tensorEnd;
          break;
        case (9 << 3) | LEN: {
          const outer = r.enter();
          for (let k = r.key(); k !== 0; k = r.key()) {
            if (k !== ((1 << 3) | LEN)) {
              r.skip(k);
              continue;
            }
            const inner = r.enter();
            plugin = '';
            for (let p = r.key(); p !== 0; p = r.key()) {
              if (p === ((1 << 3) | LEN)) plugin = r.string();
              else if (p === ((2 << 3) | LEN)) {
                contentEnd = r.len();
                contentStart = r.pos;
                r.pos = contentEnd;
              } else r.skip(p);
            }
            r.leave(inner);
          }
          r.leave(outer);
          break;
        }
        default:
          r.skip(key);
      }
    }
    if (tagStart < 0) return;
    const tag = this.tags.get(r, tagStart, tagEnd);
    // The common case first: a simple_value without metadata is a scalar whatever the tag's plugin.
    if (simple !== undefined && plugin === undefined) {
      sink.scalar(tag, step, wallTime, simple);
      return;
    }
    if (plugin !== undefined) {
      if (SCALAR_PLUGINS.has(plugin)) this.plugins.delete(tag);
      else this.plugins.set(tag, plugin);
    } else plugin = this.plugins.get(tag) ?? '';
    if (plugin === 'hparams') {
      if (contentStart >= 0) {
        const outer = r.end;
        r.pos = contentStart;
        r.end = contentEnd;
        const data = readHParams(r);
        r.end = outer;
        if (data !== undefined) sink.hparams(data, wallTime);
      }
      return;
    }
    if (simple !== undefined) {
      sink.scalar(tag, step, wallTime, simple);
      return;
    }
    if (tensorStart < 0) return;
    const outer = r.end;
    r.pos = tensorStart;
    r.end = tensorEnd;
    if (plugin === 'text') {
      const text = this.tensorText();
      if (text !== undefined) sink.text(tag, step, wallTime, text);
    } else if (SCALAR_PLUGINS.has(plugin)) {
      const v = this.tensorScalar();
      if (v !== undefined) sink.scalar(tag, step, wallTime, v);
    }
    r.end = outer;
  }

  /** The one number of a one-element numeric TensorProto (the reader spans it), or undefined. */
  private tensorScalar(): number | undefined {
    const r = this.r;
    let dtype = 0;
    let elements = 1;
    let contentStart = -1;
    let contentEnd = -1;
    let listed: number | undefined;
    let listedCount = 0;
    for (let key = r.key(); key !== 0; key = r.key()) {
      const field = key >>> 3;
      const wire = key & 7;
      if (key === ((1 << 3) | VARINT)) dtype = r.varint();
      else if (key === ((2 << 3) | LEN)) elements = this.shapeElements();
      else if (key === ((4 << 3) | LEN)) {
        contentEnd = r.len();
        contentStart = r.pos;
        r.pos = contentEnd;
      } else if (field === 5 || field === 6 || field === 7 || field === 10 || field === 11 || field === 13 || field === 16 || field === 17) {
        // The *_val fields, packed (one LEN field; only its first value matters) or one field per value.
        if (wire === LEN) {
          const stop = r.len();
          if (r.pos < stop) {
            const outer = r.end;
            r.end = stop;
            const v = this.element(field, elementWire(field));
            r.end = outer;
            if (listedCount === 0) listed = v;
            listedCount++;
          }
          r.pos = stop;
        } else {
          const v = this.element(field, wire);
          if (listedCount++ === 0) listed = v;
        }
      } else r.skip(key);
    }
    if (elements !== 1) return undefined;
    if (contentStart >= 0) return this.contentScalar(dtype, contentStart, contentEnd);
    if (listedCount === 0) return undefined;
    if (dtype === DT_HALF || dtype === DT_BFLOAT16) return dtype === DT_HALF ? halfToNumber(listed as number) : bfloat16ToNumber(listed as number);
    return listed;
  }

  /** One element of a *_val field. */
  private element(field: number, wire: number): number {
    const r = this.r;
    if (wire !== elementWire(field)) throw new WireError(`tensor field ${field} has wire type ${wire}`, r.pos);
    if (field === 5) return r.float();
    if (field === 6) return r.double();
    if (field === 7 || field === 10) return r.int64();
    return r.varint();
  }

  /** Elements of a TensorShapeProto (dim = 2 → Dim size = 1); rank 0 is one element. */
  private shapeElements(): number {
    const r = this.r;
    const outer = r.enter();
    let n = 1;
    for (let key = r.key(); key !== 0; key = r.key()) {
      if (key !== ((2 << 3) | LEN)) {
        r.skip(key);
        continue;
      }
      const dimOuter = r.enter();
      let size = 0;
      for (let k = r.key(); k !== 0; k = r.key()) {
        if (k === ((1 << 3) | VARINT)) size = r.int64();
        else r.skip(k);
      }
      r.leave(dimOuter);
      n *= size;
    }
    r.leave(outer);
    return n;
  }

  private contentScalar(dtype: number, start: number, end: number): number | undefined {
    const view = this.r.data;
    const n = end - start;
    switch (dtype) {
      case DT_FLOAT:
        return n === 4 ? view.getFloat32(start, true) : undefined;
      case DT_DOUBLE:
        return n === 8 ? view.getFloat64(start, true) : undefined;
      case DT_HALF:
        return n === 2 ? halfToNumber(view.getUint16(start, true)) : undefined;
      case DT_BFLOAT16:
        return n === 2 ? bfloat16ToNumber(view.getUint16(start, true)) : undefined;
      case DT_INT8:
        return n === 1 ? view.getInt8(start) : undefined;
      case DT_UINT8:
      case DT_BOOL:
        return n === 1 ? view.getUint8(start) : undefined;
      case DT_INT16:
        return n === 2 ? view.getInt16(start, true) : undefined;
      case DT_UINT16:
        return n === 2 ? view.getUint16(start, true) : undefined;
      case DT_INT32:
        return n === 4 ? view.getInt32(start, true) : undefined;
      case DT_UINT32:
        return n === 4 ? view.getUint32(start, true) : undefined;
      case DT_INT64:
        return n === 8 ? Number(view.getBigInt64(start, true)) : undefined;
      case DT_UINT64:
        return n === 8 ? Number(view.getBigUint64(start, true)) : undefined;
      default:
        return undefined;
    }
  }

  /** The strings of a DT_STRING tensor (string_val = 8), joined by newlines and cut to a bound. */
  private tensorText(): string | undefined {
    const r = this.r;
    let dtype = 0;
    const parts: string[] = [];
    let size = 0;
    for (let key = r.key(); key !== 0; key = r.key()) {
      if (key === ((1 << 3) | VARINT)) dtype = r.varint();
      else if (key === ((8 << 3) | LEN)) {
        const stop = r.len();
        if (size < MAX_TEXT) {
          const s = r.text(r.pos, Math.min(stop, r.pos + MAX_TEXT - size));
          parts.push(s);
          size += s.length;
        }
        r.pos = stop;
      } else r.skip(key);
    }
    if (dtype !== DT_STRING || parts.length === 0) return undefined;
    return parts.join('\n');
  }
}

function elementWire(field: number): number {
  return field === 5 ? I32 : field === 6 ? I64 : VARINT;
}

export function bfloat16ToNumber(bits: number): number {
  const view = new DataView(new ArrayBuffer(4));
  view.setUint32(0, (bits & 0xffff) << 16);
  return view.getFloat32(0);
}
