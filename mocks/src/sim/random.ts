/** Deterministic pseudo-randomness: every card is derived from (seed, index) without stored state. */

// A module-level binding: looking up the global `Math` on every call is very slow inside Jest's VM context.
const imul = Math.imul;

/** A 32-bit hash of integers (splitmix-style), uniform in [0, 2^32). */
export function hash32(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    h = imul(h ^ (p >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/** hash32 of exactly three integers without the rest-parameter array (hot path); same value as hash32(a, b, c). */
export function hash3(a: number, b: number, c: number): number {
  let h = 0x9e3779b9;
  h = imul(h ^ (a >>> 0), 0x85ebca6b);
  h ^= h >>> 13;
  h = imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  h = imul(h ^ (b >>> 0), 0x85ebca6b);
  h ^= h >>> 13;
  h = imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  h = imul(h ^ (c >>> 0), 0x85ebca6b);
  h ^= h >>> 13;
  h = imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** A uniform number in [0, 1) from (seed, index, salt). */
export function unit(seed: number, index: number, salt: number): number {
  return hash3(seed, index, salt) / 4294967296;
}

/** mulberry32: a small seeded generator for sequences (fault injection). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = imul(t ^ (t >>> 15), t | 1);
    t ^= t + imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
