import { describe, expect, it } from 'vitest';
import { GuestMemoryError } from './errors';
import { GuestMemory, type MemoryWrite } from './guestMemory';
import { SplitRing } from './splitRing';

// A size-8 ring at deliberately unrelated addresses, so an offset computed from the wrong base shows.
const N = 8;
const DESC = 0x100; // 16N = 128 bytes -> 0x100..0x180
const AVAIL = 0x202; // 6+2N = 22 bytes -> 0x202..0x218
const USED = 0x304; // 6+8N = 70 bytes -> 0x304..0x34a
const INDIRECT = 0x400;

function setup() {
  const mem = GuestMemory.create(0x1000, false);
  const ring = new SplitRing(mem, { size: N, desc: DESC, avail: AVAIL, used: USED });
  const writes: MemoryWrite[] = [];
  mem.observer = (w) => writes.push(w);
  return { mem, ring, writes, raw: new Uint8Array(mem.buffer) };
}

/** The (address, new bytes) of every store, as plain arrays. */
const stores = (ws: MemoryWrite[]) => ws.map((w) => [w.addr, [...w.new]]);

describe('SplitRing writes each field at its exact offset (LE)', () => {
  it('size', () => {
    expect(setup().ring.size).toBe(N);
  });

  it('descriptor fields: addr @16i+0, len @16i+8, flags @16i+12, next @16i+14', () => {
    const { ring, writes } = setup();
    ring.writeDescAddr(3, 0x0102030405060708n);
    ring.writeDescLen(3, 0x11223344);
    ring.writeDescFlags(3, 0x0003);
    ring.writeDescNext(3, 0x0005);
    const d = DESC + 16 * 3;
    expect(stores(writes)).toEqual([
      [d, [8, 7, 6, 5, 4, 3, 2, 1]],
      [d + 8, [0x44, 0x33, 0x22, 0x11]],
      [d + 12, [3, 0]],
      [d + 14, [5, 0]],
    ]);
  });

  it('writeDescAddr accepts a number too', () => {
    const { ring, mem } = setup();
    ring.writeDescAddr(0, 0x1234);
    expect(mem.read64(DESC)).toBe(0x1234n);
  });

  it('writeDesc writes flags, addr, len, next of a whole entry and readDesc reads them back', () => {
    const { ring, raw } = setup();
    const desc = { addr: 0xfedcba9876543210n, len: 512, flags: 3, next: 7 };
    ring.writeDesc(N - 1, desc);
    const d = DESC + 16 * (N - 1);
    expect([...raw.subarray(d, d + 16)]).toEqual([
      0x10, 0x32, 0x54, 0x76, 0x98, 0xba, 0xdc, 0xfe, 0x00, 0x02, 0x00, 0x00, 0x03, 0x00, 0x07, 0x00,
    ]);
    expect(ring.readDesc(N - 1)).toEqual(desc);
    expect(raw.subarray(DESC, d).every((b) => b === 0)).toBe(true);
  });

  it("writeDescSplit stores flags, addr, len, then next, one store each (Linux's order), in any table", () => {
    const { ring, writes } = setup();
    ring.writeDescSplit(2, DESC, 1, 0x2_0000_1000, 4096, 5);
    const d = DESC + 32;
    expect(stores(writes)).toEqual([
      [d + 12, [1, 0]],
      [d, [0x00, 0x10, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00]],
      [d + 8, [0x00, 0x10, 0x00, 0x00]],
      [d + 14, [5, 0]],
    ]);
    expect(ring.readDesc(2)).toEqual({ addr: 0x2_0000_1000n, len: 4096, flags: 1, next: 5 });
  });

  it('writeDescSplit with next < 0 leaves next alone (an indirect table links itself when allocated)', () => {
    const { ring, writes, mem } = setup();
    ring.writeDescNext(1, 1, INDIRECT);
    writes.length = 0;
    ring.writeDescSplit(0, INDIRECT, 2, 0x800, 64, -1);
    expect(writes.map((w) => w.addr)).toEqual([INDIRECT + 12, INDIRECT, INDIRECT + 8]);
    expect(ring.readDesc(0, INDIRECT)).toEqual({ addr: 0x800n, len: 64, flags: 2, next: 0 });
    expect(mem.read16(INDIRECT + 16 + 14)).toBe(1);
  });

  it('readDesc decodes raw bytes, keeping a full 64-bit addr', () => {
    const { ring, raw } = setup();
    raw.set([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 0, 0, 0x80, 4, 0, 0xff, 0xff], DESC + 16);
    expect(ring.readDesc(1)).toEqual({ addr: 0xffffffffffffffffn, len: 0x80000001, flags: 4, next: 0xffff });
  });

  it('readDescInto gives the address as a number below 2^53 and as a bigint above, into the record it is given', () => {
    const { ring, raw } = setup();
    const into = { addr: 0 as number | bigint, len: 0, flags: 0, next: 0 };
    ring.writeDesc(0, { addr: 2n ** 53n - 1n, len: 7, flags: 1, next: 2 });
    ring.readDescInto(0, DESC, into);
    expect(into).toEqual({ addr: Number.MAX_SAFE_INTEGER, len: 7, flags: 1, next: 2 });
    raw.set([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 0, 0, 0x80, 4, 0, 0xff, 0xff], DESC + 16);
    ring.readDescInto(1, DESC, into);
    expect(into).toEqual({ addr: 0xffffffffffffffffn, len: 0x80000001, flags: 4, next: 0xffff });
    ring.writeDesc(2, { addr: 2n ** 53n, len: 1, flags: 0, next: 0 });
    ring.readDescInto(2, DESC, into);
    expect(into.addr).toBe(2n ** 53n);
    expect(() => ring.readDescInto(0, 0x1000 - 8, into)).toThrow(GuestMemoryError);
  });

  it('descriptor accessors take another table (indirect)', () => {
    const { ring, writes, mem } = setup();
    expect(ring.descAddr(2)).toBe(DESC + 32);
    expect(ring.descAddr(2, INDIRECT)).toBe(INDIRECT + 32);
    ring.writeDesc(2, { addr: 1n, len: 2, flags: 3, next: 4 }, INDIRECT);
    ring.writeDescFlags(1, 9, INDIRECT);
    ring.writeDescAddr(1, 8n, INDIRECT);
    ring.writeDescLen(1, 7, INDIRECT);
    ring.writeDescNext(1, 6, INDIRECT);
    expect(writes.every((w) => w.addr >= INDIRECT && w.addr < INDIRECT + 48)).toBe(true);
    expect(ring.readDesc(2, INDIRECT)).toEqual({ addr: 1n, len: 2, flags: 3, next: 4 });
    expect(ring.readDesc(1, INDIRECT)).toEqual({ addr: 8n, len: 7, flags: 9, next: 6 });
    expect(mem.readBytes(DESC, 16 * N).every((b) => b === 0)).toBe(true);
  });

  it('avail ring: flags @0, idx @2, ring[i] @4+2i, used_event @4+2N', () => {
    const { ring, writes } = setup();
    ring.setAvailFlags(1);
    ring.setAvailIdx(0xabcd);
    ring.setAvailRing(0, 0x0102);
    ring.setAvailRing(N - 1, 0x0304);
    ring.setUsedEvent(0x0506);
    expect(stores(writes)).toEqual([
      [AVAIL, [1, 0]],
      [AVAIL + 2, [0xcd, 0xab]],
      [AVAIL + 4, [2, 1]],
      [AVAIL + 4 + 2 * (N - 1), [4, 3]],
      [AVAIL + 4 + 2 * N, [6, 5]],
    ]);
    expect(ring.availFlags()).toBe(1);
    expect(ring.availIdx()).toBe(0xabcd);
    expect(ring.availRing(0)).toBe(0x0102);
    expect(ring.availRing(N - 1)).toBe(0x0304);
    expect(ring.usedEvent()).toBe(0x0506);
  });

  it('used ring: flags @0, idx @2, ring[i] = {id @4+8i, len @8+8i}, avail_event @4+8N', () => {
    const { ring, writes } = setup();
    ring.setUsedFlags(1);
    ring.setUsedIdx(0x1234);
    ring.setUsedElem(0, { id: 0x0a0b0c0d, len: 0x01020304 });
    ring.setUsedElem(N - 1, { id: 7, len: 513 });
    ring.setAvailEvent(0xfffe);
    expect(stores(writes)).toEqual([
      [USED, [1, 0]],
      [USED + 2, [0x34, 0x12]],
      [USED + 4, [0x0d, 0x0c, 0x0b, 0x0a]],
      [USED + 8, [4, 3, 2, 1]],
      [USED + 4 + 8 * (N - 1), [7, 0, 0, 0]],
      [USED + 8 + 8 * (N - 1), [1, 2, 0, 0]],
      [USED + 4 + 8 * N, [0xfe, 0xff]],
    ]);
    expect(ring.usedFlags()).toBe(1);
    expect(ring.usedIdx()).toBe(0x1234);
    expect(ring.usedElem(0)).toEqual({ id: 0x0a0b0c0d, len: 0x01020304 });
    expect(ring.usedElem(N - 1)).toEqual({ id: 7, len: 513 });
    expect(ring.availEvent()).toBe(0xfffe);
  });

  it('reads see raw bytes written by the other side', () => {
    const { ring, raw } = setup();
    raw.set([0x01, 0x00, 0x05, 0x00, 0x07, 0x00], AVAIL);
    raw.set([0x09, 0x00], AVAIL + 4 + 2 * N);
    raw.set([0x00, 0x00, 0x03, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x02, 0x00, 0x00], USED);
    raw.set([0x0b, 0x00], USED + 4 + 8 * N);
    expect([ring.availFlags(), ring.availIdx(), ring.availRing(0), ring.usedEvent()]).toEqual([1, 5, 7, 9]);
    expect([ring.usedFlags(), ring.usedIdx(), ring.usedElem(0), ring.availEvent()]).toEqual([
      0,
      3,
      { id: 2, len: 0x201 },
      11,
    ]);
  });

  it('index fields wrap to 16 bits', () => {
    const { ring } = setup();
    ring.setAvailIdx(0x10001);
    ring.setUsedIdx(-1);
    expect(ring.availIdx()).toBe(1);
    expect(ring.usedIdx()).toBe(0xffff);
  });
});

describe('SplitRing on a ring placed at the end of memory', () => {
  it('throws GuestMemoryError, not RangeError, when a descriptor lies outside memory', () => {
    const mem = GuestMemory.create(0x200, false);
    const ring = new SplitRing(mem, { size: 4, desc: 0x1c0, avail: 0, used: 0x40 });
    expect(() => ring.readDesc(3)).not.toThrow();
    expect(() => ring.readDesc(4)).toThrow(GuestMemoryError);
    expect(() => ring.readDesc(0, 0x1f8)).toThrow(GuestMemoryError);
    expect(() => ring.writeDescNext(4, 1)).toThrow(GuestMemoryError);
  });
});
