import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseLine, rewriteBareFloats } from './lineParser';

test('a valid line parses to its object', () => {
  const r = parseLine('{"t":"metrics","ts":1.5,"values":{"a":1}}');
  assert.deepEqual(r, { ok: true, record: { t: 'metrics', ts: 1.5, values: { a: 1 } } });
});

test('bare NaN, Infinity and -Infinity become $float objects, but not inside strings', () => {
  const r = parseLine('{"t":"metrics","values":{"a":NaN,"b":Infinity,"c":-Infinity,"d":"NaN Infinity"},"x":[NaN]}');
  assert.ok(r.ok);
  assert.deepEqual(r.record.values, { a: { $float: 'NaN' }, b: { $float: 'Infinity' }, c: { $float: '-Infinity' }, d: 'NaN Infinity' });
  assert.deepEqual(r.record.x, [{ $float: 'NaN' }]);
});

test('escaped quotes do not end a string for the rewrite', () => {
  assert.equal(rewriteBareFloats('{"a":"say \\"NaN\\"","b":NaN}'), '{"a":"say \\"NaN\\"","b":{"$float":"NaN"}}');
  assert.equal(rewriteBareFloats('{"a":1}'), undefined);
});

test('invalid JSON and non-objects are rejected with a reason', () => {
  const bad = parseLine('{"t":"metrics",');
  assert.equal(bad.ok, false);
  assert.match((bad as { reason: string }).reason, /not valid JSON/);
  assert.deepEqual(parseLine('[1,2]'), { ok: false, reason: 'not a JSON object' });
  assert.deepEqual(parseLine('42'), { ok: false, reason: 'not a JSON object' });
  assert.deepEqual(parseLine('null'), { ok: false, reason: 'not a JSON object' });
  const nanToken = parseLine('{"a":NaNx}');
  assert.equal(nanToken.ok, false);
});

test('a diagnostic for a huge bad line stays short', () => {
  const r = parseLine('{"a":' + 'x'.repeat(100_000));
  assert.equal(r.ok, false);
  assert.ok((r as { reason: string }).reason.length < 200);
});
