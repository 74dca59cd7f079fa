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
