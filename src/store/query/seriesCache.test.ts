import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SeriesCache } from './seriesCache';
import { emptyMeta } from '../index/seriesMeta';
import type { Series } from '../types';

function series(v: number): Series {
  return { runId: 'r', key: 'k', steps: new Float64Array([0, 1]), times: new Float64Array([10, 11]), values: new Float64Array([v, v]), total: 2 };
}

test('an entry is served only for the meta object it was computed from', () => {
  const cache = new SeriesCache();
  const meta = emptyMeta();
  const key = SeriesCache.keyOf('r', 'k', { runIds: ['r'], keys: ['k'], points: 10 })!;
  cache.set(key, meta, series(1));
  assert.deepEqual(cache.get(key, meta)?.values, new Float64Array([1, 1]));
  // The indexer replaces a run's metas on every commit: a copy with the same fields is a different series state.
  assert.equal(cache.get(key, { ...meta }), undefined);
  assert.equal(cache.get(key, meta), undefined, 'a stale entry is dropped, not kept for later');
});

test('what is served is a copy: mutating or transferring it leaves the cache intact', () => {
  const cache = new SeriesCache();
  const meta = emptyMeta();
  const original = series(1);
  cache.set('k', meta, original);
  original.values[0] = 99;
  const first = cache.get('k', meta)!;
  first.values[1] = 42;
  assert.deepEqual(cache.get('k', meta)?.values, new Float64Array([1, 1]));
});

test('least recently used entries are evicted beyond capacity', () => {
  const cache = new SeriesCache(2);
  const meta = emptyMeta();
  cache.set('a', meta, series(1));
  cache.set('b', meta, series(2));
  cache.get('a', meta);
  cache.set('c', meta, series(3));
  assert.equal(cache.size, 2);
  assert.equal(cache.get('b', meta), undefined);
  assert.ok(cache.get('a', meta) !== undefined && cache.get('c', meta) !== undefined);
});

test('keys separate points, axis and range; live appends are not cached', () => {
  const base = { runIds: ['r'], keys: ['k'], points: 10 };
  const keys = [
    SeriesCache.keyOf('r', 'k', base),
    SeriesCache.keyOf('r', 'k', { ...base, points: 11 }),
    SeriesCache.keyOf('r', 'k', { ...base, x: 'time' }),
    SeriesCache.keyOf('r', 'k', { ...base, range: [0, 5] }),
    SeriesCache.keyOf('r', 'k2', base),
    SeriesCache.keyOf('r2', 'k', base),
  ];
  assert.equal(new Set(keys).size, keys.length);
  assert.equal(SeriesCache.keyOf('r', 'k', base), SeriesCache.keyOf('r', 'k', { ...base, x: 'step' }));
  assert.equal(SeriesCache.keyOf('r', 'k', { ...base, afterStep: 3 }), undefined);
});
