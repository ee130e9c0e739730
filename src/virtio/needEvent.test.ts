import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { vring_need_event } from './needEvent';

/** Independent model: true when ev is one of old, old+1, ..., new-1 (mod 2^16). Walks the range, no tricks. */
function model(ev: number, newIdx: number, oldIdx: number): boolean {
  const count = (newIdx - oldIdx + 0x10000) % 0x10000;
  for (let k = 0; k < count; k++) if ((oldIdx + k) % 0x10000 === ev) return true;
  return false;
}

const u16 = fc.integer({ min: 0, max: 0xffff });

describe('vring_need_event', () => {
  it('the spec example: old=5, new=8 notifies for ev 5, 6, 7 only', () => {
    expect([5, 6, 7].map((ev) => vring_need_event(ev, 8, 5))).toEqual([true, true, true]);
    expect([4, 8].map((ev) => vring_need_event(ev, 8, 5))).toEqual([false, false]);
  });

  it('nothing published (new == old) never notifies', () => {
    for (const x of [0, 1, 0x7fff, 0xffff])
      for (const ev of [x - 1, x, x + 1]) expect(vring_need_event(ev & 0xffff, x, x)).toBe(false);
  });

  it('across the 16-bit wrap: old=0xfffe, new=1 covers 0xfffe, 0xffff, 0', () => {
    expect([0xfffe, 0xffff, 0].map((ev) => vring_need_event(ev, 1, 0xfffe))).toEqual([true, true, true]);
    expect([0xfffd, 1, 2].map((ev) => vring_need_event(ev, 1, 0xfffe))).toEqual([false, false, false]);
  });

  it('one entry published notifies exactly when ev == old', () => {
    expect(vring_need_event(10, 11, 10)).toBe(true);
    expect(vring_need_event(11, 11, 10)).toBe(false);
    expect(vring_need_event(9, 11, 10)).toBe(false);
  });

  it('agrees with "ev in [old, new) mod 2^16" for any 16-bit values', () => {
    fc.assert(
      fc.property(u16, u16, u16, (ev, newIdx, oldIdx) => {
        expect(vring_need_event(ev, newIdx, oldIdx)).toBe(model(ev, newIdx, oldIdx));
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees with the model when ev is near the batch (where mistakes hide)', () => {
    fc.assert(
      fc.property(u16, fc.integer({ min: 0, max: 300 }), fc.integer({ min: -3, max: 303 }), (oldIdx, count, off) => {
        const newIdx = (oldIdx + count) & 0xffff;
        const ev = (oldIdx + off) & 0xffff;
        expect(vring_need_event(ev, newIdx, oldIdx)).toBe(model(ev, newIdx, oldIdx));
      }),
      { numRuns: 2000 },
    );
  });

  it('treats its arguments mod 2^16 (callers may pass unreduced free-running indices)', () => {
    fc.assert(
      fc.property(u16, u16, u16, fc.integer({ min: -3, max: 3 }), (ev, newIdx, oldIdx, k) => {
        const shift = k * 0x10000;
        expect(vring_need_event(ev + shift, newIdx, oldIdx)).toBe(vring_need_event(ev, newIdx, oldIdx));
        expect(vring_need_event(ev, newIdx + shift, oldIdx - shift)).toBe(vring_need_event(ev, newIdx, oldIdx));
      }),
    );
  });
});
