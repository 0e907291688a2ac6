// Seeded pseudo-random numbers, so a simulated run can be replayed exactly.

export interface Random {
  /** A number in [0, 1). */
  next(): number;
  /** A number in [min, max]. */
  between(min: number, max: number): number;
}

/** mulberry32: small, fast and good enough for drawing delays and noise. */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, between: (min, max) => min + (max - min) * next() };
}
