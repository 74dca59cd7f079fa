import assert from 'node:assert/strict';
import { test } from 'node:test';
import { numberFrom, parseWithFloats, specialFloat, stringifyWithFloats } from './floats';

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
