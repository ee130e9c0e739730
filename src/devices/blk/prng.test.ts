import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Prng } from './prng';

describe('Prng (mulberry32)', () => {
  it('is deterministic per seed and differs between seeds', () => {
    const a = new Prng(42);
    const b = new Prng(42);
    const c = new Prng(43);
    const seqA = Array.from({ length: 8 }, () => a.nextU32());
    expect(Array.from({ length: 8 }, () => b.nextU32())).toEqual(seqA);
    expect(Array.from({ length: 8 }, () => c.nextU32())).not.toEqual(seqA);
  });

  it('matches the reference mulberry32 output for seed 0', () => {
    // First outputs of the published mulberry32 for seed 0 (t = seed += 0x6D2B79F5 ...).
    const p = new Prng(0);
    expect(p.nextU32()).toBe(1144304738);
    expect(p.nextU32()).toBe(1416247);
  });

  it('continues the same sequence from a checkpointed state', () => {
    const p = new Prng(7);
    p.nextU32();
    p.nextU32();
    const q = Prng.fromState(p.state);
    expect(Array.from({ length: 5 }, () => q.nextU32())).toEqual(Array.from({ length: 5 }, () => p.nextU32()));
  });

  it('gives floats in [0,1) and ints within bounds', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: -50, max: 50 }), fc.nat({ max: 100 }), (seed, min, span) => {
        const p = new Prng(seed);
        for (let i = 0; i < 20; i++) {
          const f = p.nextFloat();
          expect(f).toBeGreaterThanOrEqual(0);
          expect(f).toBeLessThan(1);
          const n = p.nextInt(min, min + span);
          expect(n).toBeGreaterThanOrEqual(min);
          expect(n).toBeLessThanOrEqual(min + span);
          expect(Number.isInteger(n)).toBe(true);
        }
      }),
    );
  });

  it('refuses bad bounds', () => {
    expect(() => new Prng(1).nextInt(3, 2)).toThrow(RangeError);
    expect(() => new Prng(1).nextInt(0.5, 2)).toThrow(RangeError);
  });

  it('shuffles into a permutation', () => {
    fc.assert(
      fc.property(fc.integer(), fc.array(fc.integer(), { maxLength: 30 }), (seed, xs) => {
        const out = new Prng(seed).shuffle([...xs]);
        expect([...out].sort((a, b) => a - b)).toEqual([...xs].sort((a, b) => a - b));
      }),
    );
  });
});
