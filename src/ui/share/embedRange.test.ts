import { describe, expect, it } from 'vitest';
import { nextMove, rangeOf, startStep } from './embedRange';
import { NO_EMBED } from './urlCodec';

describe('embed range', () => {
  it('defaults to the whole run', () => {
    expect(rangeOf(NO_EMBED)).toEqual({ from: 0, to: null });
    expect(rangeOf({ ...NO_EMBED, from: 4, to: 9 })).toEqual({ from: 4, to: 9 });
  });

  it('opens at the link step inside the range, else at its start', () => {
    expect(startStep({ from: 10, to: 20 }, 15)).toBe(15);
    expect(startStep({ from: 10, to: 20 }, 0)).toBe(10);
    expect(startStep({ from: 10, to: 20 }, 25)).toBe(10);
    expect(startStep({ from: 0, to: null }, 99)).toBe(99);
  });

  it('steps until the end of the range, then loops or stops', () => {
    const r = { from: 3, to: 6 };
    expect(nextMove(r, 5, false, false)).toBe('step');
    expect(nextMove(r, 6, false, false)).toBe('stop');
    expect(nextMove(r, 6, false, true)).toBe('restart');
    expect(nextMove({ from: 0, to: null }, 40, true, true)).toBe('restart');
    expect(nextMove({ from: 0, to: null }, 40, true, false)).toBe('stop');
    // A range of one step has nothing to loop over.
    expect(nextMove({ from: 6, to: 6 }, 6, false, true)).toBe('stop');
  });
});
