import { describe, expect, it } from 'vitest';
import { asciiOf, availFlagNames, blkStatusName, descFlagNames, hex, hexByte, usedFlagNames } from './format';
import { anyChanged, changeStamp } from './changed';
import { requestSwatch } from './palette';

describe('format', () => {
  it('writes addresses as padded hex, bigints included', () => {
    expect(hex(0x1000, 8)).toBe('0x00001000');
    expect(hex(0xffffffffffffffffn)).toBe('0xffffffffffffffff');
    expect(hexByte(7)).toBe('07');
  });

  it('decodes flag words by their spec names and keeps unknown bits', () => {
    expect(descFlagNames(0)).toEqual([]);
    expect(descFlagNames(1 | 2)).toEqual(['NEXT', 'WRITE']);
    expect(descFlagNames(4 | 0x10)).toEqual(['INDIRECT', '0x10']);
    expect(availFlagNames(1)).toEqual(['NO_INTERRUPT']);
    expect(usedFlagNames(1)).toEqual(['NO_NOTIFY']);
  });

  it('names virtio-blk status bytes', () => {
    expect([0, 1, 2, 9].map(blkStatusName)).toEqual(['OK', 'IOERR', 'UNSUPP', '0x09']);
  });

  it('shows printable ASCII only', () => {
    expect(asciiOf(0x41)).toBe('A');
    expect(asciiOf(0)).toBe('·');
  });
});

describe('changed', () => {
  it('tells whether a range holds a written byte, for small and large sets', () => {
    expect(anyChanged(new Set([5]), 0, 5)).toBe(false);
    expect(anyChanged(new Set([5]), 5, 1)).toBe(true);
    const many = new Set(Array.from({ length: 100 }, (_, i) => 1000 + i));
    expect(anyChanged(many, 1099, 16)).toBe(true);
    expect(anyChanged(many, 0, 16)).toBe(false);
  });

  it('stamps each set once', () => {
    const a = new Set<number>();
    const b = new Set<number>();
    expect(changeStamp(a)).toBe(changeStamp(a));
    expect(changeStamp(a)).not.toBe(changeStamp(b));
  });
});

describe('requestSwatch', () => {
  it('gives 49 consecutive requests 49 different colour/glyph pairs', () => {
    const pairs = new Set(Array.from({ length: 49 }, (_, i) => JSON.stringify(requestSwatch(i))));
    expect(pairs.size).toBe(49);
  });
});
