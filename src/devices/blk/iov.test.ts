import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { GuestMemory } from '../../virtio/guestMemory';
import { iov_discard_back, iov_discard_front, iov_from_buf, iov_size, iov_to_buf } from './iov';

const segs = [
  { addr: 100, len: 3 },
  { addr: 200, len: 5 },
  { addr: 300, len: 2 },
];

describe('iov helpers', () => {
  it('size sums the segments', () => {
    expect(iov_size(segs)).toBe(10);
    expect(iov_size([])).toBe(0);
  });

  it('gathers and scatters across segments at any offset', () => {
    fc.assert(
      fc.property(fc.nat({ max: 12 }), fc.nat({ max: 12 }), (offset, len) => {
        const mem = GuestMemory.create(512, false);
        const data = Uint8Array.from({ length: len }, (_, i) => i + 1);
        const written = iov_from_buf(mem, segs, offset, data);
        expect(written).toBe(Math.max(0, Math.min(len, 10 - offset)));
        const back = iov_to_buf(mem, segs, offset, len);
        expect(back).toEqual(data.subarray(0, written));
      }),
    );
  });

  it('puts bytes where the segments say', () => {
    const mem = GuestMemory.create(512, false);
    iov_from_buf(mem, segs, 2, Uint8Array.from([9, 8, 7]));
    expect(mem.read8(102)).toBe(9);
    expect(mem.read8(200)).toBe(8);
    expect(mem.read8(201)).toBe(7);
  });

  it('discards from the front and the back', () => {
    expect(iov_discard_front(segs, 4)).toEqual([
      { addr: 201, len: 4 },
      { addr: 300, len: 2 },
    ]);
    expect(iov_discard_front(segs, 3)).toEqual(segs.slice(1));
    expect(iov_discard_front(segs, 20)).toEqual([]);
    expect(iov_discard_back(segs, 3)).toEqual([
      { addr: 100, len: 3 },
      { addr: 200, len: 4 },
    ]);
    expect(iov_discard_back(segs, 1)).toEqual([...segs.slice(0, 2), { addr: 300, len: 1 }]);
    expect(iov_discard_back(segs, 20)).toEqual([]);
    // The input is left alone.
    expect(segs[2]).toEqual({ addr: 300, len: 2 });
  });
});
