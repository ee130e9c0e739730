import { describe, expect, it } from 'vitest';
import { median, medianRoundRatio, percentile, seededRandom, summarize } from './stats';

describe('stats', () => {
  it('takes the median of odd and even counts, whatever the order', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
  });

  it('takes percentiles by nearest rank, always one of the samples', () => {
    const xs = Array.from({ length: 20 }, (_, i) => 20 - i); // 20..1
    expect(percentile(xs, 95)).toBe(19);
    expect(percentile(xs, 100)).toBe(20);
    expect(percentile(xs, 50)).toBe(10);
    expect(percentile(xs, 0)).toBe(1);
    expect(percentile([3, 1, 2], 95)).toBe(3);
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(hundred, 95)).toBe(95);
    expect(percentile(hundred, 99)).toBe(99);
  });

  it('refuses empty input, non-finite samples and out-of-range percentiles', () => {
    expect(() => median([])).toThrow(RangeError);
    expect(() => percentile([1, Number.NaN], 50)).toThrow(RangeError);
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });

  it('takes each ratio within its round, then the median, skipping rounds one side lacks', () => {
    const base = [
      { round: 0, value: 10 },
      { round: 1, value: 40 },
      { round: 2, value: 10 },
      { round: 3, value: 40 },
    ];
    // Round 2 of ours failed; round 4 has no base.
    const ours = [
      { round: 0, value: 3 },
      { round: 1, value: 6 },
      { round: 3, value: 8 },
      { round: 4, value: 100 },
    ];
    // Ratios 0.3, 0.15, 0.2: the median is 0.2 (a ratio of medians would mix rounds: 7 / 25 = 0.28).
    expect(medianRoundRatio(ours, base)).toBeCloseTo(0.2);
    expect(medianRoundRatio([], base)).toBeNaN();
  });

  it('summarizes without changing its input', () => {
    const xs = [9, 2, 5, 1];
    expect(summarize(xs)).toEqual({ n: 4, median: 3.5, p95: 9, min: 1, max: 9 });
    expect(xs).toEqual([9, 2, 5, 1]);
  });

  it('gives the same pseudo-random sequence for the same seed, within [0, 1)', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(new Set(xs).size).toBeGreaterThan(990);
  });
});
