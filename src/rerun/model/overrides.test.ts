import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  changedKeys,
  effectiveParams,
  flattenOverrides,
  formatParamInput,
  fromParamValue,
  overridesEnvValue,
  parseParamInput,
  sameParamValue,
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
