import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  changedKeys,
  effectiveParams,
  exactParams,
  flattenOverrides,
  formatParamInput,
  fromParamValue,
  overridesEnvValue,
  parseParamInput,
  sameParamValue,
  type ExactParam,
} from './overrides';

test('typed text is JSON where it is valid JSON, else the text itself', () => {
  assert.deepEqual(parseParamInput('0.02'), { value: 0.02, kind: 'number' });
  assert.deepEqual(parseParamInput(' true '), { value: true, kind: 'boolean' });
  assert.deepEqual(parseParamInput('null'), { value: null, kind: 'null' });
  assert.deepEqual(parseParamInput('[1, 2]'), { value: [1, 2], kind: 'array' });
  assert.deepEqual(parseParamInput('"0.02"'), { value: '0.02', kind: 'string' });
  assert.deepEqual(parseParamInput('adam'), { value: 'adam', kind: 'string' });
  assert.deepEqual(parseParamInput('{not json'), { value: '{not json', kind: 'string' });
  assert.deepEqual(parseParamInput(''), { value: '', kind: 'string' });
  assert.ok(Number.isNaN(parseParamInput('NaN').value));
  assert.equal(parseParamInput('-Infinity').value, Number.NEGATIVE_INFINITY);
});

test('the text shown for editing parses back to the same value', () => {
  for (const v of [0.02, 'adam', '0.02', 'true', ' padded ', true, null, [1, 'a'], { a: 1 }, Number.NaN, Number.POSITIVE_INFINITY, 'ünï "q"']) {
    const back = parseParamInput(formatParamInput(v)).value;
    assert.ok(sameParamValue(back, v), `${JSON.stringify(v)} → ${formatParamInput(v)}`);
  }
  assert.equal(formatParamInput('adam'), 'adam');
  assert.equal(formatParamInput('0.02'), '"0.02"');
});

test('nested overrides flatten to dotted keys and merge over params', () => {
  assert.deepEqual(flattenOverrides({ optimizer: { lr: 0.1, betas: [0.9, 0.99] }, 'model.depth': 3 }), {
    'optimizer.lr': 0.1,
    'optimizer.betas': [0.9, 0.99],
    'model.depth': 3,
  });
  const eff = effectiveParams({ 'optimizer.lr': 0.01, epochs: 3 }, { optimizer: { lr: 0.1, betas: [0.9, 0.99] } });
  assert.deepEqual(eff, { 'optimizer.lr': 0.1, epochs: 3, 'optimizer.betas': '[0.9,0.99]' });
});

test('configurations compare by meaning: JSON spacing and NaN do not count as changes', () => {
  assert.ok(sameParamValue('[1, 2]', '[1,2]'));
  assert.ok(sameParamValue('[1, 2]', [1, 2]));
  assert.ok(sameParamValue(Number.NaN, Number.NaN));
  assert.ok(!sameParamValue(1, '1'));
  assert.ok(!sameParamValue(undefined, null));
  assert.deepEqual(changedKeys({ a: 1, b: '[1, 2]', c: 'x' }, { a: 1, b: '[1,2]', d: 1 }), ['c', 'd']);
});

test('TRACKSIDE_CONFIG_OVERRIDES is one stable JSON object that Python reads, NaN included', () => {
  const text = overridesEnvValue({ lr: 0.02, optimizer: { name: 'adam' }, bad: Number.NaN, note: 'a "q" \n $x' });
  assert.equal(text, '{"bad":NaN,"lr":0.02,"note":"a \\"q\\" \\n $x","optimizer.name":"adam"}');
});

test('stored JSON text becomes a value again', () => {
  assert.deepEqual(fromParamValue('[1, 2]'), [1, 2]);
  assert.deepEqual(fromParamValue('{"a": 1}'), { a: 1 });
  assert.equal(fromParamValue('[not json'), '[not json');
  assert.equal(fromParamValue(3), 3);
});

const BIG = '18446744073709551617'; // JSON.parse reads it as 2^64
const TWIN = '18446744073709551616';

test('a typed integer beyond 2^53 keeps every digit, alone or inside JSON; strings and floats are left alone', () => {
  assert.deepEqual(parseParamInput(BIG), { value: { $int: BIG }, kind: 'integer' });
  assert.deepEqual(parseParamInput(` -${BIG} `), { value: { $int: `-${BIG}` }, kind: 'integer' });
  assert.deepEqual(parseParamInput(`[${BIG}, 3, "${BIG}", 1.5e300]`).value, [{ $int: BIG }, 3, BIG, 1.5e300]);
  assert.deepEqual(parseParamInput(`{"a": {"b": ${BIG}}, "s": "x\\" ${BIG}"}`).value, { a: { b: { $int: BIG } }, s: `x" ${BIG}` });
  assert.deepEqual(parseParamInput('9007199254740991'), { value: 9007199254740991, kind: 'number' }, 'a double holds it: a number');
  assert.deepEqual(parseParamInput(`{"$int": "${BIG}"}`), { value: { $int: BIG }, kind: 'integer' }, 'the tag itself may be typed');
  assert.deepEqual(parseParamInput(`${BIG}x`), { value: `${BIG}x`, kind: 'string' });
  assert.equal(formatParamInput({ $int: BIG }), BIG);
  assert.deepEqual(parseParamInput(formatParamInput({ $int: `-${BIG}` })).value, { $int: `-${BIG}` });
  assert.deepEqual(parseParamInput(formatParamInput([{ $int: BIG }])).value, [{ $int: BIG }]);
});

test('exact integers go back to the logger as {"$int": …}, compare exactly and flatten as one value', () => {
  const params = exactParams({ seed: 18446744073709551616, lr: 0.1 }, { seed: BIG });
  assert.deepEqual(params, { seed: { $int: BIG }, lr: 0.1 });
  assert.equal(overridesEnvValue({ seed: fromParamValue(params.seed as ExactParam), model: { id: { $int: TWIN } } }), `{"model.id":{"$int":"${TWIN}"},"seed":{"$int":"${BIG}"}}`);
  assert.deepEqual(fromParamValue(18446744073709551616, BIG), { $int: BIG }, 'the digits win over the rounded double');
  assert.deepEqual(fromParamValue(`[{"$int":"${BIG}"},3]`), [{ $int: BIG }, 3], 'array text from the store keeps its tags');
  assert.ok(!sameParamValue({ $int: BIG }, { $int: TWIN }), 'one double apart, still different integers');
  assert.ok(!sameParamValue({ $int: BIG }, 18446744073709551616));
  assert.ok(sameParamValue({ $int: TWIN }, 18446744073709551616), '2^64 is 2^64, tagged or not');
  assert.ok(sameParamValue({ $int: '5' }, 5));
  assert.ok(sameParamValue(`[${BIG}]`, [{ $int: BIG }]));
  assert.ok(!sameParamValue(`[${BIG}]`, [{ $int: TWIN }]));
  assert.deepEqual(changedKeys(params, effectiveParams(params, { seed: parseParamInput(TWIN).value })), ['seed']);
  assert.deepEqual(changedKeys(params, effectiveParams(params, { seed: parseParamInput(BIG).value })), []);
  const proto = exactParams(JSON.parse('{"__proto__": 1}') as Record<string, number>, JSON.parse(`{"__proto__": "${BIG}"}`) as Record<string, string>);
  assert.deepEqual(Object.getOwnPropertyDescriptor(proto, '__proto__')?.value, { $int: BIG });
});

test('text that is not JSON stays text, big digits or not', () => {
  assert.deepEqual(parseParamInput('018446744073709551617'), { value: '018446744073709551617', kind: 'string' });
  assert.deepEqual(parseParamInput('abc18446744073709551617'), { value: 'abc18446744073709551617', kind: 'string' });
  assert.deepEqual(parseParamInput('18446744073709551617.5').value, Number('18446744073709551617.5'), 'a float is a float');
});
