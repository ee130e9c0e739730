import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from './step';

const reference = (bytes: Uint8Array) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');

describe('toHex / fromHex', () => {
  it('spell every byte as two lower-case digits, short runs and long ones alike', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    expect(toHex(all)).toBe(reference(all));
    expect(toHex(all.subarray(0, 64))).toBe(reference(all.subarray(0, 64)));
    expect(toHex(new Uint8Array(0))).toBe('');
  });

  it('round-trip any bytes, either side of the 64-byte switch', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 9000 }), (bytes) => {
        const hex = toHex(bytes);
        expect(hex).toBe(reference(bytes));
        expect(fromHex(hex)).toEqual(bytes);
      }),
      { numRuns: 200 },
    );
  });
});
