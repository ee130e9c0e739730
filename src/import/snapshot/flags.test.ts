import { describe, expect, it } from 'vitest';
import { descFlagNamesOf } from './flags';

describe('descFlagNamesOf', () => {
  it('names the split-ring bits as QEMU does', () => {
    expect(descFlagNamesOf(0)).toEqual([]);
    expect(descFlagNamesOf(1 | 2)).toEqual(['next', 'write']);
    expect(descFlagNamesOf(4)).toEqual(['indirect']);
  });

  it("names the bits QEMU's element query also names", () => {
    expect(descFlagNamesOf(0x8000 | 0x80 | 4 | 2)).toEqual(['write', 'indirect', 'avail', 'used']);
  });

  it('keeps any other bit visible instead of dropping it', () => {
    // A corrupt flags field (0x0010 | NEXT) must not read as a plain NEXT descriptor.
    expect(descFlagNamesOf(0x11)).toEqual(['next', '0x10']);
    expect(descFlagNamesOf(0x7f78)).toEqual(['0x7f78']);
  });
});
