// A reader for the one line shape that makes up nearly all of a log: `{"t":"metrics","ts":…,"step":…,"values":
// {"key":number,…}}`. It scans the text in place instead of building an object per line, which took most of a
// cold index's time in JSON.parse and the garbage collector. Anything it is not sure of (escapes outside metric
// keys, nested values other than the logger's NaN and ±Infinity, null, fields in another shape, bad JSON) makes
// it decline, and the line goes to JSON.parse as before: it accepts only lines JSON.parse reads the same way,
// and reads them to the same numbers.

import { isUtf8 } from 'node:buffer';

/** Powers of ten that doubles hold exactly: a mantissa below 2^53 times or over one of these rounds once. */
const EXACT_POW10 = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];
const MAX_EXACT = 2 ** 53;
const METRICS = Buffer.from('"metrics"');
const T_FIELD = Buffer.from('"t"');
const TS_FIELD = Buffer.from('"ts"');
const STEP_FIELD = Buffer.from('"step"');
const VALUES_FIELD = Buffer.from('"values"');
const EMPTY = Buffer.alloc(0);
const SPELLED: ReadonlyArray<readonly [Buffer, number]> = [
  [Buffer.from('{"$float":"NaN"}'), NaN],
  [Buffer.from('{"$float":"Infinity"}'), Infinity],
  [Buffer.from('{"$float":"-Infinity"}'), -Infinity],
];

function bytesAt(text: Uint8Array, at: number, word: Uint8Array): boolean {
  if (at + word.length > text.length) return false;
  for (let i = 0; i < word.length; i++) if (text[at + i] !== word[i]) return false;
  return true;
}

/** What `read` found on an accepted line. */
export interface MetricsLine {
  /** Seconds, as logged. */
  readonly ts: number;
  /** The logged step, or -1 when the line has none. */
  readonly step: number;
  readonly count: number;
  readonly keys: readonly string[];
  readonly values: Float64Array;
}

/**
 * Whether the key at `a` is spelled `word` and closes right after it. `word` is always a whole key as written in
 * some log line (escapes and all, never re-encoded), so the quote after it is that string's closing quote and
 * the match never runs past a line's end.
 */
function spells(text: Uint8Array, a: number, end: number, word: Uint8Array): boolean {
  return a + word.length < end && text[a + word.length] === 34 && bytesAt(text, a, word);
}

function isIndexLike(key: string): boolean {
  return /^(?:0|[1-9]\d*)$/.test(key) && Number(key) < 2 ** 32 - 1;
}

interface InternedKey {
  key: string;
  bytes: Uint8Array;
  indexLike: boolean;
}

/** Distinct keys remembered at most; past it the memory starts over (a log of ever-new keys gains nothing). */
const MAX_INTERNED = 4096;

export class MetricsLineReader implements MetricsLine {
  ts = 0;
  step = -1;
  count = 0;
  /** The line's keys and values are the first `count` of these (later entries are left from longer lines). */
  keys: string[] = [];
  values = new Float64Array(32);
  /**
   * The key set last read in full (from a line accepted or, when something after its values made the reader
   * decline, not), so a repeated key reuses its string instead of decoding a new one. Only a cache: every use
   * is checked byte for byte.
   */
  private template: string[] = [];
  private templateBytes: Uint8Array[] = [];
  /** The key set before that: a log alternating between two sets swaps them instead of rebuilding one. */
  private other: string[] = [];
  private otherBytes: Uint8Array[] = [];
  /** Keys decoded before, by a hash of their bytes (checked byte for byte). */
  private readonly byHash = new Map<number, InternedKey>();
  /** How the current line spells each of its keys. */
  private readonly lineBytes: Uint8Array[] = [];
  private text: Buffer = EMPTY;
  private pos = 0;
  private num = 0;

  /**
   * Reads the line at `start`, which must end in a `\n` before `end` (every scan stops at a control character,
   * and remembered keys, kept as some line wrote them, hold none raw: it never reads past that `\n`). Returns
   * where that `\n` is, or -1 when the line is anything but a plain metrics record.
   */
  read(text: Buffer, start: number, end: number): number {
    this.text = text;
    const nl = this.line(start, end);
    // Not kept past the call: the caller's buffer may be 16 MB, and this reader lives as long as the module.
    this.text = EMPTY;
    return nl;
  }

  private line(start: number, end: number): number {
    const text = this.text;
    this.pos = start;
    this.count = 0;
    this.step = -1;
    let seen = 0; // bits: 1 t, 2 ts, 4 step, 8 values
    if (!this.skipTo(123 /* { */, end)) return -1;
    for (;;) {
      this.skipSpace(end);
      // The four field names, quotes included, spelled plainly; any other (or an escaped one) is declined.
      const at = this.pos;
      let bit: number;
      if (bytesAt(text, at, T_FIELD)) {
        this.pos += T_FIELD.length;
        bit = 1;
      } else if (bytesAt(text, at, TS_FIELD)) {
        this.pos += TS_FIELD.length;
        bit = 2;
      } else if (bytesAt(text, at, STEP_FIELD)) {
        this.pos += STEP_FIELD.length;
        bit = 4;
      } else if (bytesAt(text, at, VALUES_FIELD)) {
        this.pos += VALUES_FIELD.length;
        bit = 8;
      } else return -1;
      if (!this.skipTo(58 /* : */, end)) return -1;
      this.skipSpace(end);
      if (bit === 1) {
        if (!bytesAt(text, this.pos, METRICS)) return -1;
        this.pos += METRICS.length;
      } else if (bit === 2) {
        if (!this.number()) return -1;
        this.ts = this.num;
      } else if (bit === 4) {
        // A non-negative integer; anything else is the general path's to report.
        if (!this.number() || !Number.isInteger(this.num) || this.num < 0) return -1;
        this.step = this.num;
      } else if (!this.valuesObject(end)) return -1;
      if (seen & bit) return -1;
      seen |= bit;
      this.skipSpace(end);
      const c = text[this.pos++];
      if (c === 125 /* } */) break;
      if (c !== 44 /* , */) return -1;
    }
    this.skipSpace(end);
    return text[this.pos] === 10 && (seen | 4) === 15 && Number.isFinite(this.ts) ? this.pos : -1;
  }

  private valuesObject(end: number): boolean {
    const text = this.text;
    if (text[this.pos++] !== 123) return false;
    this.skipSpace(end);
    let { template, templateBytes } = this;
    let same = true;
    if (text[this.pos] === 125) {
      this.pos++;
    } else {
      for (;;) {
        if (text[this.pos] !== 34) return false;
        const a = this.pos + 1;
        const n = this.count;
        // In bounds: a read past the end costs the optimised code its life.
        let known = n < templateBytes.length ? templateBytes[n] : undefined;
        if (!(known !== undefined && spells(text, a, end, known)) && same && this.otherTakes(n, a, end)) {
          // The key set before the last: logs often alternate between two (which may begin alike).
          this.swapTemplates();
          ({ template, templateBytes } = this);
          known = templateBytes[n];
        }
        let key: string;
        // The last line's key at this place, if these bytes spell it: one pass over the key, not two.
        if (known !== undefined && spells(text, a, end, known)) {
          key = template[n];
          this.lineBytes[n] = known;
          this.pos = a + known.length + 1;
        } else {
          // Another key here than on the last line (logs often alternate between key sets): found by its bytes
          // among the keys seen before, or decoded once and remembered.
          const b = this.stringEnd(end);
          if (b < 0) return false;
          const seen = this.interned(a, b);
          if (seen === undefined || seen.indexLike) return false;
          key = seen.key;
          this.lineBytes[n] = seen.bytes;
          same = false;
        }
        if (!this.skipTo(58, end)) return false;
        this.skipSpace(end);
        if (!(text[this.pos] === 123 ? this.spelledFloat() : this.number())) return false;
        this.count++;
        if (n === this.values.length) this.grow();
        this.keys[n] = key;
        this.values[n] = this.num;
        this.skipSpace(end);
        const c = text[this.pos++];
        if (c === 125) break;
        if (c !== 44) return false;
        this.skipSpace(end);
      }
    }
    if (this.count === 0 || (same && this.count === template.length)) return true;
    // A new key set. JSON.parse keeps the last of repeated keys at the first one's place: leave that to it, so
    // points reach their series in the order they always did.
    const keys = this.keys;
    if (this.count <= 16) {
      for (let i = 1; i < this.count; i++) for (let j = 0; j < i; j++) if (keys[i] === keys[j]) return false;
    } else if (new Set(keys.slice(0, this.count)).size !== this.count) return false;
    // The older template takes the new set, refilled in place (a new array of another elements kind would
    // deoptimise the code reading it), and becomes the current one.
    this.swapTemplates();
    const next = this.template;
    const nextBytes = this.templateBytes;
    next.length = 0;
    nextBytes.length = 0;
    for (let i = 0; i < this.count; i++) {
      next.push(keys[i]);
      // The bytes this line spelled the key with: a key re-encoded from its string could match bytes that
      // JSON.parse reads otherwise (an escaped quote or newline, a lone surrogate).
      nextBytes.push(this.lineBytes[i]);
    }
    return true;
  }

  /** Whether the other template begins with this line's first `n` keys and spells its key at `a`. */
  private otherTakes(n: number, a: number, end: number): boolean {
    const { other, otherBytes, template } = this;
    if (n >= otherBytes.length || !spells(this.text, a, end, otherBytes[n])) return false;
    for (let i = 0; i < n; i++) if (other[i] !== template[i]) return false;
    return true;
  }

  private swapTemplates(): void {
    [this.template, this.other] = [this.other, this.template];
    [this.templateBytes, this.otherBytes] = [this.otherBytes, this.templateBytes];
  }

  /**
   * The key spelled by `text[a, b)`: a string decoded before when these bytes were seen, else a new one;
   * undefined for an escape JSON.parse would reject (the general path reports it).
   */
  private interned(a: number, b: number): InternedKey | undefined {
    const text = this.text;
    let hash = 0x811c9dc5;
    for (let i = a; i < b; i++) hash = Math.imul(hash ^ text[i], 0x01000193);
    const known = this.byHash.get(hash);
    if (known !== undefined && known.bytes.length === b - a && bytesAt(text, a, known.bytes)) return known;
    // Invalid UTF-8 is the general path's to report; such keys are never remembered, so every line with one goes there.
    if (!isUtf8(text.subarray(a, b))) return undefined;
    let key = text.toString('utf8', a, b);
    if (key.includes('\\')) {
      // Escaped: Python's json writes every non-ASCII key as \u escapes. JSON.parse decodes it, once per key.
      try {
        key = JSON.parse(`"${key}"`) as string;
      } catch {
        return undefined;
      }
    }
    // Keys that look like array indices come first out of JSON.parse: such lines are left to it.
    const entry: InternedKey = { key, bytes: Buffer.from(text.subarray(a, b)), indexLike: isIndexLike(key) };
    if (this.byHash.size >= MAX_INTERNED) {
      this.byHash.clear();
    }
    this.byHash.set(hash, entry);
    return entry;
  }

  /**
   * NaN or ±Infinity as the logger spells them (a run that diverged logs one on every line from then on); any
   * other object is the general path's.
   */
  private spelledFloat(): boolean {
    for (let i = 0; i < SPELLED.length; i++) {
      const [bytes, value] = SPELLED[i];
      if (bytesAt(this.text, this.pos, bytes)) {
        this.pos += bytes.length;
        this.num = value;
        return true;
      }
    }
    return false;
  }

  private grow(): void {
    const bigger = new Float64Array(this.values.length * 2);
    bigger.set(this.values);
    this.values = bigger;
  }

  /**
   * Index of the closing quote of the string opening at `pos` (which it moves past it), or -1 at a control
   * character. Escapes are stepped over: interned() decodes them.
   */
  private stringEnd(end: number): number {
    const text = this.text;
    for (let i = this.pos + 1; i < end; i++) {
      const c = text[i];
      if (c === 34) {
        this.pos = i + 1;
        return i;
      }
      // After a backslash, only a control character ends the scan.
      if (c < 32 || (c === 92 && text[++i] < 32)) return -1;
    }
    return -1;
  }

  private skipSpace(end: number): void {
    const text = this.text;
    let i = this.pos;
    for (; i < end; i++) {
      const c = text[i];
      // Not \n: that ends the line.
      if (c !== 32 && c !== 9 && c !== 13) break;
    }
    this.pos = i;
  }

  private skipTo(char: number, end: number): boolean {
    this.skipSpace(end);
    if (this.text[this.pos] !== char) return false;
    this.pos++;
    return true;
  }

  /**
   * A JSON number at `pos` into `num`. Up to 15 or so significant digits and a small exponent are computed with
   * one correctly rounded operation (Clinger's fast path); longer ones go to Number(), which rounds as
   * JSON.parse does.
   */
  private number(): boolean {
    const text = this.text;
    const start = this.pos;
    let i = start;
    let c = text[i];
    const negative = c === 45;
    if (negative) c = text[++i];
    let mantissa = 0;
    let scale = 0;
    if (c === 48) c = text[++i];
    else if (c >= 49 && c <= 57) {
      do {
        mantissa = mantissa * 10 + (c - 48);
        c = text[++i];
      } while (c >= 48 && c <= 57);
    } else return false;
    if (c === 46 /* . */) {
      c = text[++i];
      if (!(c >= 48 && c <= 57)) return false;
      do {
        mantissa = mantissa * 10 + (c - 48);
        scale--;
        c = text[++i];
      } while (c >= 48 && c <= 57);
    }
    let exact = true;
    if (c === 101 || c === 69 /* e E */) {
      c = text[++i];
      let expNegative = false;
      if (c === 43 || c === 45) {
        expNegative = c === 45;
        c = text[++i];
      }
      if (!(c >= 48 && c <= 57)) return false;
      let exp = 0;
      do {
        exp = exp * 10 + (c - 48);
        c = text[++i];
      } while (c >= 48 && c <= 57);
      if (exp > 400) exact = false;
      scale += expNegative ? -exp : exp;
    }
    this.pos = i;
    if (exact && mantissa < MAX_EXACT && scale >= -22 && scale <= 22) {
      const magnitude = scale === 0 ? mantissa : scale > 0 ? mantissa * EXACT_POW10[scale] : mantissa / EXACT_POW10[-scale];
      this.num = negative ? -magnitude : magnitude;
    } else {
      this.num = Number(text.toString('latin1', start, i));
    }
    return true;
  }
}
