import assert from 'node:assert/strict';
import { test } from 'node:test';
import { prng } from '../../../../test/fixtures/prng';
import { NumberScanner, numberFromText } from './numbers';

test('numbers read from bytes equal what Number() gives, over random doubles as Python would print them', () => {
  const seed = 1234;
  const rand = prng(seed);
  const s = new NumberScanner();
  for (let i = 0; i < 20_000; i++) {
    const x = (rand() - 0.5) * 10 ** Math.floor(rand() * 40 - 20);
    for (const text of [String(x), x.toExponential(), x.toPrecision(17), x.toFixed(3)]) {
      const bytes = Buffer.from(`${text} `);
      assert.ok(s.read(bytes, 0, bytes.length), `seed ${seed}: ${text}`);
      assert.equal(s.num, Number(text), `seed ${seed}: ${text}`);
      assert.equal(s.pos, text.length);
    }
  }
});

test("Python's spellings of special floats are read; text is not a number", () => {
  assert.equal(numberFromText('nan'), NaN);
  assert.equal(numberFromText('-inf'), -Infinity);
  assert.equal(numberFromText('inf'), Infinity);
  assert.equal(numberFromText('Infinity'), Infinity);
  assert.equal(numberFromText('1e-05'), 1e-5);
  assert.equal(numberFromText('+3'), 3);
  assert.equal(numberFromText('12345678901234567890'), Number('12345678901234567890'));
  for (const bad of ['', 'abc', '1.2.3', '1e', 'nanx', '.', '-', '0x10', '1,5']) assert.equal(numberFromText(bad), undefined, bad);
});

/** A run of `n` random decimal digits. */
function digits(rand: () => number, n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += String(Math.floor(rand() * 10));
  return out;
}

test('17 to 19 significant digits (past the fast path) read to exactly the double Number() gives', () => {
  const seed = 99;
  const rand = prng(seed);
  const s = new NumberScanner();
  const check = (text: string) => {
    const bytes = Buffer.from(`${text} `);
    assert.ok(s.read(bytes, 0, bytes.length), `seed ${seed}: ${text}`);
    assert.ok(Object.is(s.num, Number(text)), `seed ${seed}: ${text}: ${s.num} ≠ ${Number(text)}`);
    assert.equal(s.pos, text.length);
  };
  for (let i = 0; i < 100_000; i++) {
    // Python's repr of a double in [0, 10): 17 digits about half the time.
    const x = rand() * 10 ** Math.floor(rand() * 6 - 3);
    check(x.toPrecision(17));
    check(String(-x));
    // Random digit strings of 16 to 22 digits, the dot anywhere, leading zeros, an exponent or none.
    const n = 16 + Math.floor(rand() * 7);
    const d = digits(rand, n);
    const dot = 1 + Math.floor(rand() * (n - 1));
    const plain = `${d.slice(0, dot)}.${d.slice(dot)}`;
    check(plain);
    check(`-0.000${d}`);
    check(`${plain}e-${Math.floor(rand() * 30)}`);
    check(`+${plain}E+${Math.floor(rand() * 5)}`);
  }
});

/** The exact decimal digits of the midpoint between `x` (positive, below 2^52) and the next double up, and its power of ten. */
function midpoint(x: number): { digits: string; exp10: number } {
  const f = new Float64Array([x]);
  const bits = new BigUint64Array(f.buffer)[0];
  const mant = (bits & ((1n << 52n) - 1n)) | (1n << 52n);
  const k = 1 - (Number((bits >> 52n) & 0x7ffn) - 1075);
  // (2m + 1) · 2^(e-1) = (2m + 1) · 5^k / 10^k with k = 1 - e.
  return { digits: ((2n * mant + 1n) * 5n ** BigInt(k)).toString(), exp10: -k };
}

test('decimals just either side of the halfway point between two doubles read as Number() reads them', () => {
  const seed = 7;
  const rand = prng(seed);
  const s = new NumberScanner();
  for (let i = 0; i < 20_000; i++) {
    const { digits: d, exp10 } = midpoint(rand() * 10 ** Math.floor(rand() * 8 - 4));
    for (const p of [16, 17, 18, 19]) {
      const down = d.slice(0, p);
      const up = String(BigInt(down) + 1n);
      const e = exp10 + d.length - p;
      for (const m of [down, up]) {
        for (const text of [`${m}e${e}`, `${m[0]}.${m.slice(1)}e${e + m.length - 1}`]) {
          const bytes = Buffer.from(`${text}\n`);
          assert.ok(s.read(bytes, 0, bytes.length), `seed ${seed}: ${text}`);
          assert.ok(Object.is(s.num, Number(text)), `seed ${seed}: ${text}: ${s.num} ≠ ${Number(text)}`);
        }
      }
    }
  }
});
