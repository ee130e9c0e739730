import { describe, expect, it } from 'vitest';
import { unchangedValue } from './unchangedStore';

const w = (old: string, nw: string, addr = 0x1000) => ({ addr, old, new: nw });

describe('unchangedValue', () => {
  it('is undefined when the step stored nothing or changed a byte', () => {
    expect(unchangedValue(undefined)).toBeUndefined();
    expect(unchangedValue([])).toBeUndefined();
    expect(unchangedValue([w('0000', '0100')])).toBeUndefined();
    expect(unchangedValue([w('00', '00'), w('00', '01', 0x2000)])).toBeUndefined();
  });

  it("says '0' when every byte stored is zero, however many", () => {
    expect(unchangedValue([w('0'.repeat(32), '0'.repeat(32))])).toBe('0');
    expect(unchangedValue([w('00', '00'), w('0000', '0000', 0x2000)])).toBe('0');
  });

  it('reads one 1-, 2-, 4- or 8-byte store little-endian, in hex from 65536 on', () => {
    expect(unchangedValue([w('05', '05')])).toBe('5');
    expect(unchangedValue([w('0010', '0010')])).toBe('4096');
    expect(unchangedValue([w('00100000', '00100000')])).toBe('4096');
    expect(unchangedValue([w('0000010000000000', '0000010000000000')])).toBe('0x10000');
  });

  it('has no single value for other sizes or several stores', () => {
    expect(unchangedValue([w('010203', '010203')])).toBeNull();
    expect(unchangedValue([w('01', '01'), w('02', '02', 0x2000)])).toBeNull();
  });
});
