import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { shareStructure } from './shareStructure';

describe('shareStructure', () => {
  it('returns the previous value when everything is equal', () => {
    const prev = { a: [1, { b: 2n }], c: new Uint16Array([1, 2]), d: null };
    const next = { a: [1, { b: 2n }], c: new Uint16Array([1, 2]), d: null };
    expect(shareStructure(prev, next)).toBe(prev);
  });

  it('keeps unchanged parts and takes changed ones', () => {
    const prev = { rows: [{ i: 0 }, { i: 1 }, { i: 2 }], n: 1 };
    const next = { rows: [{ i: 0 }, { i: 5 }, { i: 2 }], n: 1 };
    const out = shareStructure(prev, next);
    expect(out).toEqual(next);
    expect(out).not.toBe(prev);
    expect(out.rows[0]).toBe(prev.rows[0]);
    expect(out.rows[1]).toBe(next.rows[1]);
    expect(out.rows[2]).toBe(prev.rows[2]);
    // Neither input was modified.
    expect(next.rows[0]).not.toBe(prev.rows[0]);
    expect(prev.rows[1]!.i).toBe(1);
  });

  it('compares class instances by identity and notices added or removed keys and elements', () => {
    const e = new Error('x');
    expect(shareStructure({ e }, { e })).toEqual({ e });
    const other = { e: new Error('x') };
    expect(shareStructure({ e }, other)).toBe(other);
    const grown = { a: 1, b: 2 };
    expect(shareStructure({ a: 1 }, grown)).toBe(grown);
    const shrunk = { a: 1 };
    expect(shareStructure({ a: 1, b: 2 }, shrunk)).toBe(shrunk);
    const longer = [1, 2, 3];
    expect(shareStructure([1, 2], longer)).toEqual([1, 2, 3]);
    const shorter = [1];
    expect(shareStructure([1, 2], shorter)).toEqual([1]);
  });

  it('always equals next, and shares every part that is equal', () => {
    const value = fc.letrec((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        fc.integer({ min: 0, max: 3 }),
        fc.constant(null),
        fc.array(tie('v'), { maxLength: 3 }),
        fc.dictionary(fc.constantFrom('a', 'b', 'c'), tie('v'), { maxKeys: 3 }),
      ),
    })).v;
    fc.assert(
      fc.property(value, value, (prev, next) => {
        const out = shareStructure(prev, next);
        expect(out).toEqual(next);
        if (JSON.stringify(prev) === JSON.stringify(next)) expect(out).toBe(prev);
      }),
    );
  });
});
