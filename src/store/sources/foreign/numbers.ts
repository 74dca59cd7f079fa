// Numbers in other tools' text files, read from the bytes in place (a metric file can hold millions of lines).
// Decimal numbers as Python's repr writes them (`0.1`, `1e-05`, `-3`), and its spellings of the special floats
// (`nan`, `inf`, `-inf`, also `NaN`, `Infinity`). A mantissa below 2^53 (15 digits always, 16 mostly) and a
// small exponent are computed with one correctly rounded operation (Clinger's fast path); anything longer goes to
// Number(), so every value is the double JSON.parse or Python's float() would give.

const EXACT_POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);
const MAX_EXACT = 2 ** 53;

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
      this.num = Number(this.text !== undefined ? this.text.slice(at - this.textBase, i - this.textBase) : Buffer.from(text.buffer, text.byteOffset + at, i - at).toString('latin1'));
      if (Number.isNaN(this.num)) return false;
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
