import { describe, expect, it } from 'vitest';
import { clickTarget, laneMarks } from './timelineMarks';

describe('laneMarks', () => {
  const x = (p: number) => p * 10;

  it('draws each entry at its position, inside [lo, hi] only', () => {
    expect(laneMarks([1, 5, 10], 0, 9, x)).toEqual([
      { px: 10, at: 1 },
      { px: 50, at: 5 },
    ]);
    expect(laneMarks([0, 4, 9], 1, 9, x)).toEqual([
      { px: 40, at: 4 },
      { px: 90, at: 9 },
    ]);
  });

  it('keeps one mark per pixel column, the first step on it', () => {
    const half = (p: number) => p / 2;
    expect(laneMarks([2, 3, 4, 5], 0, 100, half)).toEqual([
      { px: 1, at: 2 },
      { px: 2, at: 3 },
      { px: 3, at: 5 },
    ]);
  });
});

describe('clickTarget', () => {
  const marks = [
    { px: 100, at: 19 },
    { px: 110, at: 21 },
  ];

  it('goes to the nearest mark within reach, else to the nearest position', () => {
    expect(clickTarget(103, marks, 18)).toBe(19);
    expect(clickTarget(107, marks, 20)).toBe(21);
    expect(clickTarget(140, marks, 25)).toBe(25);
    expect(clickTarget(100, null, 18)).toBe(18);
    expect(clickTarget(100, [], 18)).toBe(18);
  });
});
