/**
 * A small seeded generator (mulberry32) for everything Flowbook shuffles: validation splits and the
 * batch order. Math.random is never used in training, so the same seed gives the same model.
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A 31-bit integer, for seeding tfjs initializers and dropout. */
  nextSeed(): number {
    return Math.floor(this.next() * 0x7fffffff);
  }

  /** Fisher–Yates shuffle in place. */
  shuffle<T extends { [i: number]: number; length: number }>(values: T): T {
    for (let i = values.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const v = values[i];
      values[i] = values[j];
      values[j] = v;
    }
    return values;
  }
}

/** 0..n-1 as an Int32Array, shuffled with `random`. */
export function shuffledIndices(n: number, random: SeededRandom): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  return random.shuffle(order);
}
