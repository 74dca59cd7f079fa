import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prng } from '../../test/fixtures/prng';
import { paramImportance } from './importance';

test('importance: the params the metric depends on rank first, a param it ignores scores near 0', () => {
  const r = prng(7);
  const trials = Array.from({ length: 60 }, () => {
    const lr = 10 ** (-4 + 3 * r());
    const noise = r();
    const opt = r() < 0.5 ? 'sgd' : 'adam';
    return { params: { lr, noise, opt }, value: (Math.log10(lr) + 2.5) ** 2 + (opt === 'adam' ? 1 : 0) + 0.05 * r() };
  });
  const imp = paramImportance(trials);
  assert.deepEqual(imp.slice(0, 2).map((i) => i.param).sort(), ['lr', 'opt'], JSON.stringify(imp));
  assert.ok(imp[1].score > 0.2, JSON.stringify(imp));
  assert.equal(imp[2].param, 'noise');
  assert.ok(imp[2].score < 0.1, JSON.stringify(imp));
});

test('importance: too few trials, a constant metric or a constant param give nothing to rank', () => {
  assert.deepEqual(paramImportance([{ params: { a: 1 }, value: 1 }, { params: { a: 2 }, value: 2 }]), []);
  assert.deepEqual(paramImportance([1, 2, 3].map((a) => ({ params: { a }, value: 5 }))), []);
  assert.deepEqual(paramImportance([1, 2, 3].map((v) => ({ params: { a: 'x' }, value: v }))), []);
});
