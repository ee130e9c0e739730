/**
 * mulberry32: a small, fast 32-bit PRNG whose whole state is one u32, so a checkpoint is one number and a
 * restored generator continues exactly where the original was. Not for cryptography.
 */
export class Prng {
  private s: number;

  constructor(seed: number) {
    this.s = seed >>> 0;
  }

  /** The state to checkpoint; `Prng.fromState(p.state)` continues the same sequence. */
  get state(): number {
    return this.s;
  }

  static fromState(state: number): Prng {
    return new Prng(state);
  }

  /** Uniform in 0 .. 2^32-1. */
  nextU32(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform in [0, 1). */
  nextFloat(): number {
    return this.nextU32() / 0x1_0000_0000;
  }

  /** Uniform integer in [min, max] (both inclusive). */
  nextInt(min: number, max: number): number {
    if (!Number.isInteger(min) || !Number.isInteger(max) || max < min) {
      throw new RangeError(`nextInt needs integers min <= max, got ${min}, ${max}`);
    }
    return min + Math.floor(this.nextFloat() * (max - min + 1));
  }

  /** Fisher-Yates, in place; returns the same array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.nextInt(0, i);
      const tmp = items[i]!;
      items[i] = items[j]!;
      items[j] = tmp;
    }
    return items;
  }
}
