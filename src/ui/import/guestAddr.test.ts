import { describe, expect, it } from 'vitest';
import { MAX_GPA, parseGuestAddr } from './guestAddr';

describe('parseGuestAddr', () => {
  it('reads hex with or without 0x, in either case, around spaces', () => {
    expect(parseGuestAddr('0x2986000')).toEqual({ ok: true, gpa: 0x2986000 });
    expect(parseGuestAddr(' 2986000 ')).toEqual({ ok: true, gpa: 0x2986000 });
    expect(parseGuestAddr('0X2986ABC')).toEqual({ ok: true, gpa: 0x2986abc });
    expect(parseGuestAddr('0')).toEqual({ ok: true, gpa: 0 });
  });

  it('refuses what is not hex', () => {
    for (const s of ['0x', 'ring', '0x29 86000', '-0x10', '0x1g', '12.5', '0o17'])
      expect(parseGuestAddr(s), s).toEqual({ ok: false, reason: 'notHex' });
    expect(parseGuestAddr('   ')).toEqual({ ok: false, reason: 'empty' });
  });

  it('refuses an address past 52 bits, however long the digits', () => {
    expect(parseGuestAddr('0xfffffffffffff')).toEqual({ ok: true, gpa: MAX_GPA });
    expect(parseGuestAddr('0x10000000000000')).toEqual({ ok: false, reason: 'range' });
    expect(parseGuestAddr('0x' + 'f'.repeat(40))).toEqual({ ok: false, reason: 'range' });
  });
});
