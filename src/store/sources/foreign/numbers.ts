// Numbers in other tools' text files, read from the bytes in place (a metric file can hold millions of lines).
// Decimal numbers as Python's repr writes them (`0.1`, `1e-05`, `-3`), and its spellings of the special floats
// (`nan`, `inf`, `-inf`, also `NaN`, `Infinity`). A mantissa below 2^53 (15 digits always, 16 mostly) and a
// small exponent are computed with one correctly rounded operation (Clinger's fast path); up to 19 digits over a
// power of ten in error-free double-double arithmetic (longDecimal); anything else goes to Number(), so every
// value is the double JSON.parse or Python's float() would give.

const EXACT_POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);
const MAX_EXACT = 2 ** 53;
/** Veltkamp's splitter for doubles: 2^27 + 1. */
const SPLIT = 134217729;
const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);
/** The word order longDecimal reads a double's exponent with; on any other, it always declines. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** The low part of the last twoProduct: a * b = its result + this, exactly. */
let productLow = 0;

/** Dekker's product: fl(a * b), with the rounding error left in productLow (exact for these magnitudes). */
function twoProduct(a: number, b: number): number {
  const p = a * b;
  let t = SPLIT * a;
  const ah = t - (t - a);
  const al = a - ah;
  t = SPLIT * b;
  const bh = t - (t - b);
  const bl = b - bh;
  productLow = ah * bh - p + ah * bl + al * bh + al * bl;
  return p;
}

/**
 * M / 10^k, correctly rounded, for M the decimal digits of `text[first, end)` (a `.` among them skipped) and
 * 1 ≤ k ≤ 22; NaN when it cannot be sure (then Number() decides). Python's repr of a random double has 17
 * digits, past Clinger's fast path, and Number() on a string was most of an MLflow metric file's parse.
 * M (up to 19 digits) is held exactly as hi + lo; q = fl(hi / 10^k) is then corrected by (M - q·10^k) / 10^k,
 * whose remainder is computed error-free but for three roundings of a few ulps of hi, far below the margin
 * kept from the halfway points (1/2 and 3/2 of q's ulp) where rounding could go either way.
 */
function longDecimal(text: Uint8Array, first: number, end: number, k: number): number {
  if (!LITTLE_ENDIAN || k < 1 || k > 22) return NaN;
  let head = 0;
  let tail = 0;
  let tailScale = 1;
  let n = 0;
  for (let i = first; i < end; i++) {
    const c = text[i];
    if (c === 46) continue;
    if (n === 0 && c === 48) continue;
    // The first 15 significant digits are exact as a double; at most four more form the tail.
    if (n < 15) head = head * 10 + (c - 48);
    else {
      tail = tail * 10 + (c - 48);
      tailScale *= 10;
    }
    n++;
  }
  if (n > 19 || n === 0) return NaN;
  const ph = twoProduct(head, tailScale);
  // productLow and tail are integers below 2^13 and 10^4: their sum is exact, and hi + lo is M exactly.
  const s = productLow + tail;
  const hi = ph + s;
  const lo = s - (hi - ph);
  const p = EXACT_POW10[k];
  const q = hi / p;
  const qp = twoProduct(q, p);
  const correction = (hi - qp - productLow + lo) / p;
  bits[0] = q;
  const high = words[1];
  const exponent = (high >>> 20) & 0x7ff;
  // At a power of two the ulp below is half the one above: such values are left to Number().
  if (exponent <= 53 || exponent === 0x7ff || ((high & 0xfffff) === 0 && words[0] === 0)) return NaN;
  words[1] = (exponent - 52) << 20;
  words[0] = 0;
  const ulp = bits[0];
  const a = Math.abs(correction);
  const margin = ulp * 2 ** -30;
  if (Math.abs(a - ulp / 2) <= margin || a >= 1.5 * ulp - margin) return NaN;
  const r = q + correction;
  // Just below a power of two the grid is twice as fine, with halfway points the margin above does not keep
  // clear of: a result in another binade than q's is left to Number().
  bits[0] = r;
  if (((words[1] >>> 20) & 0x7ff) !== exponent) return NaN;
  return r;
}

export class NumberScanner {
  /** Where the last number read ended, and its value. */
  pos = 0;
  num = 0;
  /**
   * The same bytes already decoded (latin1), from byte `textBase` on, when the caller has them: numbers too long
   * for the fast path (Python's repr of a random double has 17 digits) are then read from a slice of it instead
   * of a fresh Buffer and string each.
   */
  text: string | undefined;
  textBase = 0;

  /** Reads a number at `at` (no leading space); false when there is none there (and `pos` is left as it was). */
  read(text: Uint8Array, at: number, end: number): boolean {
    let i = at;
    let c = text[i];
    const negative = c === 45;
    if (negative || c === 43) c = text[++i];
    if (c === 110 || c === 78 || c === 105 || c === 73) return this.special(text, at, i, end, negative);
    // The digits as one integer: exact while below 2^53, and (rounding being monotone) at least 2^53 once the
    // true integer is, so `mantissa < MAX_EXACT` alone says whether it is exact. Digits are told by position.
    let mantissa = 0;
    let scale = 0;
    const first = i;
    while (c >= 48 && c <= 57) {
      mantissa = mantissa * 10 + (c - 48);
      c = text[++i];
    }
    let any = i > first;
    if (c === 46) {
      const dot = ++i;
      c = text[i];
      while (c >= 48 && c <= 57) {
        mantissa = mantissa * 10 + (c - 48);
        c = text[++i];
      }
      scale = dot - i;
      any = any || i > dot;
    }
    if (!any) return false;
    const digitsEnd = i;
    let exact = true;
    if (c === 101 || c === 69) {
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
        if (exp > 1000) exact = false;
        c = text[++i];
      } while (c >= 48 && c <= 57);
      scale += expNegative ? -exp : exp;
    }
    if (i > end) return false;
    if (exact && mantissa < MAX_EXACT && scale >= -22 && scale <= 22) {
      const magnitude = scale === 0 ? mantissa : scale > 0 ? mantissa * EXACT_POW10[scale] : mantissa / EXACT_POW10[-scale];
      this.num = negative ? -magnitude : magnitude;
    } else {
      const long = exact && scale < 0 ? longDecimal(text, first, digitsEnd, -scale) : NaN;
      if (!Number.isNaN(long)) this.num = negative ? -long : long;
      else {
        this.num = Number(this.text !== undefined ? this.text.slice(at - this.textBase, i - this.textBase) : Buffer.from(text.buffer, text.byteOffset + at, i - at).toString('latin1'));
        if (Number.isNaN(this.num)) return false;
      }
    }
    this.pos = i;
    return true;
  }

  private special(text: Uint8Array, at: number, i: number, end: number, negative: boolean): boolean {
    let j = i;
    while (j < end && ((text[j] >= 65 && text[j] <= 90) || (text[j] >= 97 && text[j] <= 122))) j++;
    const word = Buffer.from(text.buffer, text.byteOffset + i, j - i).toString('latin1').toLowerCase();
    if (word === 'nan') this.num = NaN;
    else if (word === 'inf' || word === 'infinity') this.num = negative ? -Infinity : Infinity;
    else return false;
    void at;
    this.pos = j;
    return true;
  }
}

/** A whole string as a number (a param or a CSV cell): the same rules, nothing else allowed around it but spaces. */
export function numberFromText(text: string): number | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  const bytes = Buffer.from(t, 'latin1');
  const s = new NumberScanner();
  return s.read(bytes, 0, bytes.length) && s.pos === bytes.length ? s.num : undefined;
}
