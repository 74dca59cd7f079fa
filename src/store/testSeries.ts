// A check the store's tests share: a downsampled series is faithful to the full one.
import assert from 'node:assert/strict';
import type { Series } from './types';

/** `got` is a min/max downsampling of `all`: real points in order, first and last, extremes kept, within budget. */
export function assertFaithful(got: Series, all: Series, points: number, where: string) {
  assert.equal(got.total, all.total, where);
  assert.ok(got.values.length <= Math.max(points, 4), where);
  let j = 0;
  for (let i = 0; i < got.steps.length; i++) {
    while (j < all.steps.length && all.steps[j] !== got.steps[i]) j++;
    assert.ok(j < all.steps.length, `${where}: step ${got.steps[i]} is not a stored point, or out of order`);
    assert.ok(Object.is(got.values[i], all.values[j]) && got.times[i] === all.times[j], `${where}: point at step ${got.steps[i]}`);
  }
  for (const a of ['steps', 'times', 'values'] as const) {
    assert.ok(Object.is(got[a][0], all[a][0]) && Object.is(got[a].at(-1), all[a].at(-1)), `${where}: first and last ${a}`);
  }
  const real = [...all.values].filter((v) => !Number.isNaN(v));
  const kept = new Set(got.values);
  assert.ok(kept.has(Math.min(...real)) && kept.has(Math.max(...real)), `${where}: extremes kept`);
}
