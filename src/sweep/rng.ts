// The controller's seeded generator: mulberry32 (the same family as test/fixtures/prng.ts), so a sweep's proposals
// reproduce from its seed on every platform. Kept here because src/ never imports test fixtures.

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
}

export function rng(seed: number): Rng {
  let a = seed >>> 0;
  return {
    next(): number {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}

/** A standard normal draw (Box-Muller; one of the pair is dropped to keep the stream simple). */
export function gaussian(r: Rng): number {
  let u = r.next();
  while (u <= Number.MIN_VALUE) u = r.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r.next());
}

/** An index drawn with these (non-negative, not all zero) weights. */
export function pickWeighted(r: Rng, weights: readonly number[]): number {
  let total = 0;
  for (const w of weights) total += w;
  let u = r.next() * total;
  for (let i = 0; i < weights.length; i++) {
    u -= weights[i];
    if (u < 0) return i;
  }
  return weights.length - 1;
}

/** A seed for a derived stream (one per trial), so proposal n does not depend on how many draws came before. */
export function mixSeed(seed: number, n: number): number {
  let h = (seed ^ Math.imul(n + 0x9e3779b9, 0x85ebca6b)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d) >>> 0;
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}
