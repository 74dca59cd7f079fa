import assert from 'node:assert/strict';
import { test } from 'node:test';
import { intTag, intTagDigits, MAX_INT_DIGITS, needsDigits, numberFrom, parseWithFloats, specialFloat, stringifyWithFloats } from './floats';

test('specials round-trip through stringify and parse, nested and in arrays', () => {
  const value = { a: NaN, b: [Infinity, -Infinity, 1], c: { d: NaN, e: 'NaN' }, f: new Float64Array([1, NaN]) };
  const text = stringifyWithFloats(value);
  assert.equal(text, '{"a":{"$float":"NaN"},"b":[{"$float":"Infinity"},{"$float":"-Infinity"},1],"c":{"d":{"$float":"NaN"},"e":"NaN"},"f":[1,{"$float":"NaN"}]}');
  assert.deepEqual(parseWithFloats(text), { a: NaN, b: [Infinity, -Infinity, 1], c: { d: NaN, e: 'NaN' }, f: [1, NaN] });
  assert.ok(Number.isNaN(parseWithFloats('{"$float":"NaN"}')));
});

test('a __proto__ key stays an own property when revived', () => {
  const parsed = parseWithFloats<Record<string, unknown>>('{"__proto__":{"$float":"Infinity"}}');
  assert.equal(Object.getPrototypeOf(parsed), Object.prototype);
  assert.equal(Object.getOwnPropertyDescriptor(parsed, '__proto__')?.value, Infinity);
});

test('numberFrom accepts numbers and $float objects only', () => {
  assert.equal(numberFrom(3), 3);
  assert.equal(numberFrom({ $float: '-Infinity' }), -Infinity);
  assert.equal(numberFrom('3'), undefined);
  assert.equal(numberFrom({ $float: 'bogus' }), undefined);
  assert.equal(specialFloat([]), undefined);
});

test('an $int object is exactly one key holding optional minus and bounded decimal digits', () => {
  assert.equal(intTagDigits({ $int: '18446744073709551617' }), '18446744073709551617');
  assert.equal(intTagDigits({ $int: '-5' }), '-5');
  assert.equal(intTagDigits(JSON.parse('{"$int":"7"}')), '7');
  assert.equal(intTagDigits({ $int: '9'.repeat(MAX_INT_DIGITS) }), '9'.repeat(MAX_INT_DIGITS));
  assert.equal(intTagDigits({ $int: `-${'9'.repeat(MAX_INT_DIGITS)}` }), `-${'9'.repeat(MAX_INT_DIGITS)}`);
  for (const notTag of [
    { $int: '12a' },
    { $int: '' },
    { $int: '-' },
    { $int: '+5' },
    { $int: '1_000' },
    { $int: ' 5' },
    { $int: '1.5' },
    { $int: '1e5' },
    { $int: 5 },
    { $int: '5', x: 1 },
    { $int: '9'.repeat(MAX_INT_DIGITS + 1) },
    Object.create({ $int: '5' }) as object,
    ['5'],
    '5',
    5,
    null,
  ]) {
    assert.equal(intTagDigits(notTag), undefined, JSON.stringify(notTag));
  }
});

test('numberFrom reads an $int as its nearest double; needsDigits says when the double is not exact', () => {
  assert.equal(numberFrom({ $int: '18446744073709551617' }), 18446744073709551616);
  assert.equal(numberFrom({ $int: '-42' }), -42);
  assert.equal(numberFrom({ $int: `1${'0'.repeat(399)}` }), Infinity, 'beyond the double range');
  assert.equal(numberFrom({ $int: '12a' }), undefined);
  assert.equal(numberFrom({ $int: 5, x: 1 }), undefined);
  assert.equal(needsDigits('9007199254740991'), false);
  assert.equal(needsDigits('-9007199254740991'), false);
  assert.equal(needsDigits('9007199254740993'), true);
  assert.equal(needsDigits('-18446744073709551617'), true);
  assert.deepEqual(intTag('123'), { $int: '123' });
});
