/**
 * Seeded randomness for sweeps, in 32-bit integer arithmetic (`Math.imul`, `>>>`), so every machine, shard and
 * worker draws exactly the same numbers for the same seed.
 *
 * - {@link hashUniform}: a counter-based draw, a pure function of (seed, stream, index, axis): random access, so
 *   shard 3 of 8 computes point 1,000,003 without drawing the points before it.
 * - {@link createRandom}: a sequential generator (NSGA-II's selection, crossover and mutation).
 * - {@link permutationAt}: a random permutation of [0, n) evaluated at one position, for Latin hypercubes of
 *   millions of samples without storing them.
 */

/**
 * Mixes 32 bits into 32 well-spread bits: two multiply–xorshift rounds with the constants of the
 * "lowbias32" integer hash found by C. Wellons' hash-prospector search (2018).
 */
export function mix32(value: number): number {
  let x = value >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return x >>> 0;
}

/** Hashes a few 32-bit words (each taken modulo 2³²) into 32 bits; order matters. */
export function hashWords(...words: number[]): number {
  let h = 0x9e3779b9;
  for (const word of words) h = mix32(h ^ mix32((word >>> 0) + 0x632be5ab));
  return h;
}

/**
 * A uniform number strictly inside (0, 1) with 53 random bits, fixed by its arguments. `index` may be up to
 * 2⁵³ (its high and low words are both hashed).
 */
export function hashUniform(seed: number, stream: number, index: number, axis: number): number {
  const low = index >>> 0;
  const high = Math.floor(index / 4294967296) >>> 0;
  const base = hashWords(seed, stream, low, high, axis);
  const upper = mix32(base ^ 0x5bd1e995) >>> 11; // 21 bits
  const lower = mix32(base + 0x27d4eb2f); // 32 bits
  return (upper * 4294967296 + lower + 0.5) / 9007199254740992;
}

/** A sequential seeded generator: `next()` is uniform in (0, 1); `below(n)` a whole number in [0, n). */
export interface Random {
  next(): number;
  below(count: number): number;
}

/** A sequential generator from a seed: a counter run through {@link hashUniform}, so it cannot fall into a short cycle. */
export function createRandom(seed: number, stream = 0): Random {
  let counter = 0;
  const next = () => {
    const value = hashUniform(seed, stream, counter, 0x7a3d);
    counter += 1;
    return value;
  };
  return {
    next,
    below: (count) => Math.min(count - 1, Math.floor(next() * count)),
  };
}

/**
 * A random permutation of [0, count) chosen by `key`, evaluated at one position at a time: a four-round
 * balanced Feistel network on the smallest even number of bits that covers `count`, walked again while the
 * result falls outside [0, count) ("cycle walking", Black & Rogaway 2002). A bijection for every key; O(1)
 * memory; under two walks on average (the network's domain is less than four times `count`). `count` up to 2³².
 */
export function createPermutation(count: number, key: number): (index: number) => number {
  if (count <= 1) return () => 0;
  let bits = 0;
  while (2 ** bits < count) bits += 1;
  const half = Math.ceil(bits / 2);
  const scale = 2 ** half;
  const mask = scale - 1;
  const roundKeys = [0, 1, 2, 3].map((round) => hashWords(key, round));
  return (index) => {
    let value = index;
    do {
      let left = Math.floor(value / scale);
      let right = value % scale;
      for (const roundKey of roundKeys) {
        const mixed = (left ^ (mix32(right ^ roundKey) & mask)) >>> 0;
        left = right;
        right = mixed;
      }
      value = left * scale + right;
    } while (value >= count);
    return value;
  };
}

/** The position of `index` under the permutation of [0, count) chosen by `key` (see {@link createPermutation}). */
export function permutationAt(index: number, count: number, key: number): number {
  return createPermutation(count, key)(index);
}
