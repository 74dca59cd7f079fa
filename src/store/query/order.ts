// Ordering runs by a number (a metric, a param, a time) without a comparator. A comparator is called about
// thirteen times per run for 5,000 runs, and on a first listing it runs before V8 has compiled it: most of the
// sort's time. V8 sorts a Float64Array natively; each run then finds its place by binary search.

/**
 * Indices of `keys` in ascending order of their values, ties (equal values, 0 and -0 included) in ascending
 * order of `ids` (as `<` orders strings), then in index order. `keys` must hold no NaN.
 */
export function numericOrder(keys: Float64Array, ids: ArrayLike<string>): Uint32Array {
  const n = keys.length;
  // The default order of a typed array puts -0 before 0, which compare equal here: as one value, they tie.
  const sorted = new Float64Array(n);
  for (let i = 0; i < n; i++) sorted[i] = keys[i] === 0 ? 0 : keys[i];
  sorted.sort();
  const order = new Uint32Array(n);
  // Runs of one value share the first slot of that value: the next free one is that slot plus how many took it.
  const taken = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    const v = keys[i];
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (sorted[mid] < v) lo = mid + 1;
      else hi = mid;
    }
    order[lo + taken[lo]++] = i;
  }
  for (let a = 0; a < n; ) {
    let b = a + 1;
    while (b < n && sorted[b] === sorted[a]) b++;
    if (b - a > 1) tieBreak(order, a, b, ids);
    a = b;
  }
  return order;
}

/** Sorts order[a, b) by id; Array#sort is stable, so equal ids keep index order. */
function tieBreak(order: Uint32Array, a: number, b: number, ids: ArrayLike<string>): void {
  const group = Array.from(order.subarray(a, b));
  group.sort((x, y) => (ids[x] < ids[y] ? -1 : ids[x] > ids[y] ? 1 : 0));
  order.set(group, a);
}
