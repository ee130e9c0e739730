import { describe, expect, it } from 'vitest';
import { GuestMemory } from './guestMemory';
import {
  AVAIL_FLAGS,
  AVAIL_IDX,
  AVAIL_RING,
  AVAIL_RING_ALIGN,
  DESC_ADDR,
  DESC_FLAGS,
  DESC_LEN,
  DESC_NEXT,
  DESC_TABLE_ALIGN,
  USED_ELEM_ID,
  USED_ELEM_LEN,
  USED_FLAGS,
  USED_IDX,
  USED_RING,
  USED_RING_ALIGN,
  availEventOffset,
  availRingBytes,
  availRingEntryOffset,
  descTableBytes,
  isPowerOfTwo,
  legacyRingBytes,
  legacyUsedOffset,
  usedElemOffset,
  usedEventOffset,
  usedRingBytes,
  validateQueueSize,
  validateRingAddrs,
  type SplitRingAddrs,
} from './layout';
import { SplitRing } from './splitRing';

/** Every split-queue size the spec allows: 1, 2, 4, ... 32768. */
const ALL_SIZES = Array.from({ length: 16 }, (_, i) => 2 ** i);

/** Independent model of the legacy layout: used ring at the next 4096 boundary after desc + avail. */
const modelLegacyUsed = (n: number, align = 4096) => {
  const end = 16 * n + 2 * (3 + n);
  return end % align === 0 ? end : end - (end % align) + align;
};

describe('struct field offsets (spec §2.7.5, §2.7.6, §2.7.8)', () => {
  it('virtq_desc is addr@0 le64, len@8 le32, flags@12 le16, next@14 le16', () => {
    expect([DESC_ADDR, DESC_LEN, DESC_FLAGS, DESC_NEXT]).toEqual([0, 8, 12, 14]);
  });
  it('virtq_avail and virtq_used start with flags@0, idx@2, ring@4', () => {
    expect([AVAIL_FLAGS, AVAIL_IDX, AVAIL_RING]).toEqual([0, 2, 4]);
    expect([USED_FLAGS, USED_IDX, USED_RING]).toEqual([0, 2, 4]);
    expect([USED_ELEM_ID, USED_ELEM_LEN]).toEqual([0, 4]);
  });
  it('alignments are 16 / 2 / 4', () => {
    expect([DESC_TABLE_ALIGN, AVAIL_RING_ALIGN, USED_RING_ALIGN]).toEqual([16, 2, 4]);
  });
});

describe.each(ALL_SIZES)('queue size %i', (n) => {
  it('part sizes: desc 16N, avail 6+2N, used 6+8N', () => {
    expect(descTableBytes(n)).toBe(16 * n);
    expect(availRingBytes(n)).toBe(6 + 2 * n);
    expect(usedRingBytes(n)).toBe(6 + 8 * n);
  });

  it('event fields: used_event at 4+2N (last 2 bytes of avail), avail_event at 4+8N (last 2 bytes of used)', () => {
    expect(usedEventOffset(n)).toBe(4 + 2 * n);
    expect(availEventOffset(n)).toBe(4 + 8 * n);
    expect(usedEventOffset(n) + 2).toBe(availRingBytes(n));
    expect(availEventOffset(n) + 2).toBe(usedRingBytes(n));
  });

  it('ring entries: avail.ring[i] at 4+2i, used.ring[i] at 4+8i, last entry ends at the event field', () => {
    for (const i of [0, 1, n - 1]) {
      expect(availRingEntryOffset(i)).toBe(4 + 2 * i);
      expect(usedElemOffset(i)).toBe(4 + 8 * i);
    }
    expect(availRingEntryOffset(n - 1) + 2).toBe(usedEventOffset(n));
    expect(usedElemOffset(n - 1) + 8).toBe(availEventOffset(n));
  });

  it('legacy layout: used ring on a 4096 boundary, total ALIGN(16N+2(3+N), 4096) + 6 + 8N', () => {
    const used = legacyUsedOffset(n);
    expect(used).toBe(modelLegacyUsed(n));
    expect(used % 4096).toBe(0);
    expect(used).toBeGreaterThanOrEqual(descTableBytes(n) + availRingBytes(n));
    expect(used - (descTableBytes(n) + availRingBytes(n))).toBeLessThan(4096);
    expect(legacyRingBytes(n)).toBe(modelLegacyUsed(n) + 6 + 8 * n);
  });

  it('byte-exact: writing every field through SplitRing lands on the computed bytes of a legacy block', () => {
    const base = 0x1000;
    const mem = GuestMemory.create(base + legacyRingBytes(n) + 16, false);
    const addrs: SplitRingAddrs = { size: n, desc: base, avail: base + 16 * n, used: base + legacyUsedOffset(n) };
    expect(addrs.desc % DESC_TABLE_ALIGN).toBe(0);
    expect(addrs.avail % AVAIL_RING_ALIGN).toBe(0);
    expect(addrs.used % USED_RING_ALIGN).toBe(0);
    expect(validateRingAddrs(addrs, mem.size).ok).toBe(true);
    const ring = new SplitRing(mem, addrs);
    const raw = new Uint8Array(mem.buffer);

    ring.writeDesc(n - 1, { addr: 0x1122334455667788n, len: 0xa1b2c3d4, flags: 0x0102, next: 0x0304 });
    const d = base + 16 * (n - 1);
    expect([...raw.subarray(d, d + 16)]).toEqual([
      0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11, 0xd4, 0xc3, 0xb2, 0xa1, 0x02, 0x01, 0x04, 0x03,
    ]);

    ring.setAvailRing(n - 1, 0xbeef);
    ring.setUsedEvent(0xcafe);
    const a = base + 16 * n;
    expect([...raw.subarray(a + 4 + 2 * (n - 1), a + 4 + 2 * n)]).toEqual([0xef, 0xbe]);
    expect([...raw.subarray(a + 4 + 2 * n, a + 6 + 2 * n)]).toEqual([0xfe, 0xca]);

    ring.setUsedElem(n - 1, { id: 0x01020304, len: 0x05060708 });
    ring.setAvailEvent(0x1234);
    const u = base + modelLegacyUsed(n);
    expect([...raw.subarray(u + 4 + 8 * (n - 1), u + 4 + 8 * n)]).toEqual([4, 3, 2, 1, 8, 7, 6, 5]);
    expect([...raw.subarray(u + 4 + 8 * n, u + 6 + 8 * n)]).toEqual([0x34, 0x12]);
    // Nothing past the used ring's last byte was touched.
    expect(raw[u + 6 + 8 * n]).toBe(0);
  });
});

describe('legacy layout, the spec example', () => {
  it('N=256 puts the used ring at 8192 and the block is 10246 bytes', () => {
    expect(legacyUsedOffset(256)).toBe(8192);
    expect(legacyRingBytes(256)).toBe(10246);
  });
  it('honours another alignment', () => {
    expect(legacyUsedOffset(4, 64)).toBe(128); // 64 + 14 = 78 -> 128
    expect(legacyUsedOffset(4, 2)).toBe(78);
    expect(legacyRingBytes(4, 64)).toBe(128 + 38);
  });
});

describe('isPowerOfTwo', () => {
  it('accepts every power of two up to 2^52', () => {
    for (let i = 0; i <= 52; i++) expect(isPowerOfTwo(2 ** i)).toBe(true);
  });
  it('rejects zero, negatives, non-integers and non-powers, including multiples of 2^32', () => {
    for (const n of [0, -1, -2, -1024, 3, 6, 12, 1023, 1025, 0.5, 1.5, NaN, Infinity, -Infinity]) {
      expect(isPowerOfTwo(n)).toBe(false);
    }
    // A 32-bit `n & (n - 1)` test wrongly says yes to these.
    expect(isPowerOfTwo(3 * 2 ** 32)).toBe(false);
    expect(isPowerOfTwo(2 ** 32 + 2 ** 33)).toBe(false);
  });
});

describe('validateQueueSize', () => {
  it.each(ALL_SIZES)('accepts %i', (n) => {
    expect(validateQueueSize(n)).toEqual({ ok: true, value: n });
  });
  it.each([0, 3, 65536, 32769, 1.5, 2.5, -1, -2, NaN, Infinity, 2 ** 32, 3 * 2 ** 32, 1000])('rejects %d', (n) => {
    const r = validateQueueSize(n);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.kind).toBe('invalid-queue-size');
    expect(r.error.spec).toBe('2.7');
    expect(r.error.side).toBe('device');
    expect(r.error.message).toContain(`queue size ${n} is invalid`);
    expect(r.error.detail).toEqual({ size: n, max: 32768 });
  });
  it('respects a smaller max (QEMU caps queues at 1024)', () => {
    expect(validateQueueSize(1024, 1024).ok).toBe(true);
    const r = validateQueueSize(2048, 1024);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toContain('from 1 to 1024');
  });
});

describe('validateRingAddrs', () => {
  const MEM = 0x10000;
  const good: SplitRingAddrs = { size: 256, desc: 0x1000, avail: 0x2000, used: 0x3000 };

  it('accepts aligned, in-bounds parts and returns them unchanged', () => {
    expect(validateRingAddrs(good, MEM)).toEqual({ ok: true, value: good });
  });

  it('accepts parts that end exactly at the end of guest memory', () => {
    const n = 4;
    // 6+8N is never a multiple of 4, so only the descriptor table and avail ring can end flush with memory.
    expect(validateRingAddrs({ size: n, desc: MEM - 64, avail: MEM - 14, used: 0 }, MEM).ok).toBe(true);
    expect(validateRingAddrs({ size: n, desc: MEM - 64, avail: MEM - 12, used: 0 }, MEM).ok).toBe(false);
    expect(validateRingAddrs({ size: n, desc: 0, avail: 64, used: MEM - usedRingBytes(n) - 2 }, MEM).ok).toBe(true);
  });

  it.each([
    ['descriptor table', { desc: 0x1008 }, 16],
    ['descriptor table', { desc: 0x1001 }, 16],
    ['available ring', { avail: 0x2001 }, 2],
    ['used ring', { used: 0x3002 }, 4],
    ['used ring', { used: 0x3001 }, 4],
  ] as const)('rejects a misaligned %s (%o)', (name, patch, align) => {
    const r = validateRingAddrs({ ...good, ...patch }, MEM);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.kind).toBe('misaligned-ring');
    expect(r.error.message).toContain(name);
    expect(r.error.message).toContain(`${align}-byte aligned`);
    expect(r.error.qemuChecks).toBe(false);
    expect(r.error.detail?.align).toBe(align);
  });

  it.each([
    ['descriptor table', { desc: MEM - 16 * 256 + 16 }],
    ['descriptor table', { desc: -16 }],
    ['descriptor table', { desc: 0.5 }],
    ['descriptor table', { desc: NaN }],
    ['available ring', { avail: MEM - 6 - 2 * 256 + 2 }],
    ['available ring', { avail: 2 ** 60 }],
    ['used ring', { used: MEM - 6 - 8 * 256 + 4 }],
    ['used ring', { used: MEM }],
  ] as const)('rejects an out-of-bounds %s (%o)', (name, patch) => {
    const r = validateRingAddrs({ ...good, ...patch }, MEM);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.kind).toBe('memory-out-of-bounds');
    expect(r.error.message).toContain(`Cannot map ${name}`);
    expect(r.error.where).toBe('virtio_init_region_cache');
  });

  it('rejects an invalid size before looking at addresses', () => {
    const r = validateRingAddrs({ ...good, size: 3, desc: 1 }, MEM);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.kind).toBe('invalid-queue-size');
  });
});
