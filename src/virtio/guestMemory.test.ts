import { describe, expect, it } from 'vitest';
import { GuestMemoryError } from './errors';
import { GuestMemory, type MemoryWrite } from './guestMemory';

const SIZE = 64;
const fresh = (shared = false) => GuestMemory.create(SIZE, shared);
const raw = (m: GuestMemory) => new Uint8Array(m.buffer);

/** Runs `fn` and returns what it threw, asserting it threw something. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

describe('GuestMemory.create', () => {
  it('makes a SharedArrayBuffer by default where one exists, or a plain ArrayBuffer on request', () => {
    expect(GuestMemory.create(16).buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(GuestMemory.create(16, false).buffer).toBeInstanceOf(ArrayBuffer);
    expect(GuestMemory.create(16).size).toBe(16);
  });
  it.each([0, -1, 1.5, NaN])('refuses size %d', (n) => {
    expect(() => GuestMemory.create(n)).toThrow(RangeError);
  });
  it('handles an odd-sized buffer', () => {
    const m = GuestMemory.create(5, false);
    m.store16(2, 0xabcd);
    expect(m.load16(2)).toBe(0xabcd);
    expect(() => m.load16(4)).toThrow(GuestMemoryError);
    m.write8(4, 7);
    expect(m.read8(4)).toBe(7);
  });
});

describe('little-endian byte order of each width', () => {
  it.each([false, true])('shared=%s', (shared) => {
    const m = fresh(shared);
    m.write8(1, 0xab);
    expect([...raw(m).subarray(0, 3)]).toEqual([0, 0xab, 0]);
    m.write16(4, 0x1234);
    expect([...raw(m).subarray(4, 6)]).toEqual([0x34, 0x12]);
    m.write32(8, 0x89abcdef);
    expect([...raw(m).subarray(8, 12)]).toEqual([0xef, 0xcd, 0xab, 0x89]);
    m.write64(16, 0x0102030405060708n);
    expect([...raw(m).subarray(16, 24)]).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
    m.store16(24, 0xbeef);
    expect([...raw(m).subarray(24, 26)]).toEqual([0xef, 0xbe]);

    expect(m.read8(1)).toBe(0xab);
    expect(m.read16(4)).toBe(0x1234);
    expect(m.read32(8)).toBe(0x89abcdef);
    expect(m.read64(16)).toBe(0x0102030405060708n);
    expect(m.load16(24)).toBe(0xbeef);
    expect(m.read16(24)).toBe(0xbeef);
  });

  it('reads bytes written raw in LE order', () => {
    const m = fresh();
    raw(m).set([0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88], 32);
    expect(m.read16(32)).toBe(0x2211);
    expect(m.load16(32)).toBe(0x2211);
    expect(m.read32(32)).toBe(0x44332211);
    expect(m.read64(32)).toBe(0x8877665544332211n);
  });

  it('truncates values to the field width, and writes negatives as two’s complement', () => {
    const m = fresh();
    m.store16(0, 0x12345);
    expect(m.load16(0)).toBe(0x2345);
    m.write32(4, -1);
    expect(m.read32(4)).toBe(0xffffffff);
    m.write64(8, -1n);
    expect(m.read64(8)).toBe(0xffffffffffffffffn);
    m.write64(16, (1n << 64n) + 5n);
    expect(m.read64(16)).toBe(5n);
  });

  it('load16/store16 also work at an odd address (not atomic there, but still LE)', () => {
    const m = fresh();
    m.store16(7, 0xa55a);
    expect([...raw(m).subarray(7, 9)]).toEqual([0x5a, 0xa5]);
    expect(m.load16(7)).toBe(0xa55a);
  });

  it('load16 sees a store made through Atomics on the same buffer (the other side’s view)', () => {
    const m = fresh(true);
    Atomics.store(new Uint16Array(m.buffer), 5, 0x0102);
    expect(m.load16(10)).toBe(0x0102);
    m.store16(12, 0x0304);
    expect(Atomics.load(new Uint16Array(m.buffer), 6)).toBe(0x0304);
  });
});

describe('store16 without ordering', () => {
  it('stores the same little-endian halfword, seen by load16 and the observer like an ordered store', () => {
    const m = fresh(true);
    const seen: MemoryWrite[] = [];
    m.observer = (w) => seen.push(w);
    m.store16(10, 0x1234, false);
    expect(m.load16(10)).toBe(0x1234);
    expect([...raw(m).subarray(10, 12)]).toEqual([0x34, 0x12]);
    m.store16(13, 0xabcd, false);
    expect(m.read16(13)).toBe(0xabcd);
    expect(seen.map((w) => [w.addr, [...w.new]])).toEqual([
      [10, [0x34, 0x12]],
      [13, [0xcd, 0xab]],
    ]);
  });
});

describe('fixed-width checks', () => {
  it('refuse fractional, negative, NaN and beyond-the-end addresses with GuestMemoryError', () => {
    const m = fresh();
    for (const addr of [0.5, -2, NaN, Infinity, SIZE - 1, 2 ** 32]) {
      expect(thrown(() => m.read16(addr))).toBeInstanceOf(GuestMemoryError);
      expect(thrown(() => m.checkFixed(addr, 2, 'write'))).toBeInstanceOf(GuestMemoryError);
    }
    expect(() => m.checkFixed(SIZE - 16, 16, 'read')).not.toThrow();
  });
});

describe('bytes', () => {
  it('readBytes copies, window aliases, writeBytes and fill store', () => {
    const m = fresh();
    m.writeBytes(10, new Uint8Array([1, 2, 3]));
    const copy = m.readBytes(10, 3);
    const win = m.window(10, 3);
    expect([...copy]).toEqual([1, 2, 3]);
    m.fill(10, 3, 9);
    expect([...copy]).toEqual([1, 2, 3]);
    expect([...win]).toEqual([9, 9, 9]);
    m.fill(11, 1);
    expect([...m.readBytes(10, 3)]).toEqual([9, 0, 9]);
    expect(m.readBytes(SIZE, 0).length).toBe(0);
  });
});

describe('bounds: every access just outside memory throws GuestMemoryError, never RangeError', () => {
  const m = fresh();
  type Access = [string, (addr: number) => unknown, number, 'read' | 'write'];
  const accesses: Access[] = [
    ['read8', (a) => m.read8(a), 1, 'read'],
    ['read16', (a) => m.read16(a), 2, 'read'],
    ['read32', (a) => m.read32(a), 4, 'read'],
    ['read64', (a) => m.read64(a), 8, 'read'],
    ['load16', (a) => m.load16(a), 2, 'read'],
    ['readBytes(3)', (a) => m.readBytes(a, 3), 3, 'read'],
    ['window(3)', (a) => m.window(a, 3), 3, 'read'],
    ['write8', (a) => m.write8(a, 1), 1, 'write'],
    ['write16', (a) => m.write16(a, 1), 2, 'write'],
    ['write32', (a) => m.write32(a, 1), 4, 'write'],
    ['write64', (a) => m.write64(a, 1n), 8, 'write'],
    ['store16', (a) => m.store16(a, 1), 2, 'write'],
    ['store16 unordered', (a) => m.store16(a, 1, false), 2, 'write'],
    ['writeBytes(3)', (a) => m.writeBytes(a, new Uint8Array(3)), 3, 'write'],
    ['fill(3)', (a) => m.fill(a, 3), 3, 'write'],
  ];

  describe.each(accesses)('%s', (_name, access, width, kind) => {
    it('works on the last bytes of memory', () => {
      expect(() => access(SIZE - width)).not.toThrow();
    });
    it.each([SIZE - width + 1, SIZE, SIZE + 100, -1, -width, NaN, 0.5, SIZE - width + 0.5, Infinity, 2 ** 53, 2 ** 60])(
      'at %d',
      (addr) => {
        const e = thrown(() => access(addr));
        expect(e).toBeInstanceOf(GuestMemoryError);
        expect(e).not.toBeInstanceOf(RangeError);
        const g = e as GuestMemoryError;
        expect(g.kind).toBe('memory-out-of-bounds');
        expect(g.access).toBe(kind);
        expect(g.length).toBe(width);
        expect(g.memorySize).toBe(SIZE);
        expect(Object.is(g.addr, addr)).toBe(true);
        expect(g.name).toBe('GuestMemoryError');
      },
    );
  });

  it('a failed write leaves memory untouched', () => {
    const w = fresh();
    expect(() => w.write32(SIZE - 2, 0xffffffff)).toThrow(GuestMemoryError);
    expect(() => w.writeBytes(SIZE - 1, new Uint8Array([1, 2]))).toThrow(GuestMemoryError);
    expect(raw(w).every((b) => b === 0)).toBe(true);
  });

  it('rejects negative and fractional lengths', () => {
    expect(() => m.readBytes(0, -1)).toThrow(GuestMemoryError);
    expect(() => m.fill(0, 1.5)).toThrow(GuestMemoryError);
    expect(() => m.window(0, NaN)).toThrow(GuestMemoryError);
  });

  it('contains/check accept bigint addresses up to 2^53 - 1 and refuse the rest', () => {
    expect(m.contains(0n, SIZE)).toBe(true);
    expect(m.contains(BigInt(SIZE - 2), 2)).toBe(true);
    expect(m.contains(BigInt(SIZE - 1), 2)).toBe(false);
    expect(m.contains(-1n, 1)).toBe(false);
    expect(m.contains(2n ** 53n + 1n, 1)).toBe(false);
    expect(m.contains(2n ** 64n - 1n, 1)).toBe(false);
    const e = thrown(() => m.check(2n ** 60n, 16, 'read')) as GuestMemoryError;
    expect(e).toBeInstanceOf(GuestMemoryError);
    expect(e.addr).toBe(2n ** 60n);
    expect(e.message).toContain('0x1000000000000000');
    expect(() => m.check(0n, 16, 'read')).not.toThrow();
  });

  it('the message names the access, the range and the memory size', () => {
    const e = thrown(() => m.read32(0x3e)) as GuestMemoryError;
    expect(e.message).toBe('guest memory read of 4 byte(s) at 0x3e is outside guest memory (0x0..0x40)');
  });
});

describe('write observer', () => {
  it('receives address, old bytes and new bytes of each store', () => {
    const m = fresh();
    m.write32(8, 0x11223344);
    const seen: MemoryWrite[] = [];
    m.observer = (w) => seen.push(w);
    m.write16(8, 0xaabb);
    m.store16(10, 0xccdd);
    m.write8(12, 5);
    m.write64(16, 1n);
    m.writeBytes(30, new Uint8Array([7, 8]));
    m.fill(40, 3, 0xff);
    expect(seen.map((w) => [w.addr, [...w.old], [...w.new]])).toEqual([
      [8, [0x44, 0x33], [0xbb, 0xaa]],
      [10, [0x22, 0x11], [0xdd, 0xcc]],
      [12, [0], [5]],
      [16, [0, 0, 0, 0, 0, 0, 0, 0], [1, 0, 0, 0, 0, 0, 0, 0]],
      [30, [0, 0], [7, 8]],
      [40, [0, 0, 0], [0xff, 0xff, 0xff]],
    ]);
  });

  it('gets copies, not views of guest memory', () => {
    const m = fresh();
    let last: MemoryWrite | undefined;
    m.observer = (w) => (last = w);
    m.write8(0, 1);
    m.observer = null;
    m.write8(0, 2);
    expect([...last!.new]).toEqual([1]);
  });

  it('sees nothing for reads or for stores that were refused', () => {
    const m = fresh();
    const seen: MemoryWrite[] = [];
    m.observer = (w) => seen.push(w);
    m.read32(0);
    m.load16(0);
    m.readBytes(0, 4);
    expect(() => m.write16(SIZE - 1, 1)).toThrow(GuestMemoryError);
    expect(seen).toEqual([]);
  });
});

describe('GuestMemoryError.toVirtioError', () => {
  it('turns the error into a memory-out-of-bounds VirtioError for the caller', () => {
    const e = new GuestMemoryError(0x40, 2, 0x40, 'write');
    const v = e.toVirtioError('virtqueue_split_pop');
    expect(v).toEqual({
      kind: 'memory-out-of-bounds',
      side: 'device',
      qemuChecks: true,
      message: e.message,
      spec: '2.7.5',
      where: 'virtqueue_split_pop',
      detail: { addr: 0x40n, length: 2, memorySize: 0x40 },
    });
    expect(e.toVirtioError('x', '2.7.8').spec).toBe('2.7.8');
  });

  it('does not throw for an address that is not an integer (NaN, fractions)', () => {
    const m = fresh();
    for (const addr of [NaN, 0.5, Infinity]) {
      const e = thrown(() => m.read8(addr)) as GuestMemoryError;
      const v = e.toVirtioError('vring_split_desc_read');
      expect(v.kind).toBe('memory-out-of-bounds');
      expect(v.detail?.addr).toBe(String(addr));
    }
  });

  it('keeps a 64-bit bigint address exactly', () => {
    const e = new GuestMemoryError(0xffffffffffffffffn, 1, 16, 'read');
    expect(e.toVirtioError('f').detail?.addr).toBe(0xffffffffffffffffn);
  });
});

describe('GuestMemory read observer', () => {
  it('sees bulk reads with their address and length, and not ring-field reads', () => {
    const mem = GuestMemory.create(64, false);
    const seen: [number, number][] = [];
    mem.readObserver = (addr, len) => seen.push([addr, len]);
    mem.readBytes(8, 16);
    mem.read16(0);
    mem.load16(2);
    expect(seen).toEqual([[8, 16]]);
  });
});

describe('write64Number', () => {
  it('stores the same 8 little-endian bytes as write64, as one observed store', () => {
    const a = fresh();
    const b = fresh();
    const seen: MemoryWrite[] = [];
    a.observer = (w) => seen.push(w);
    for (const v of [0, 1, 0xffffffff, 2 ** 32, 2 ** 32 + 5, Number.MAX_SAFE_INTEGER]) {
      a.write64Number(8, v);
      b.write64(8, BigInt(v));
      expect([...raw(a)]).toEqual([...raw(b)]);
    }
    expect(seen).toHaveLength(6);
    expect(seen[3]!.addr).toBe(8);
    expect([...seen[3]!.new]).toEqual([0, 0, 0, 0, 1, 0, 0, 0]);
  });

  it('stores a value it cannot split (negative, fractional, beyond 2^53) as write64 of its bigint would', () => {
    const m = fresh();
    m.write64Number(0, -1);
    expect(m.read64(0)).toBe(0xffffffffffffffffn);
    expect(() => m.write64Number(8, 1.5)).toThrow(RangeError);
    expect(() => m.write64Number(SIZE - 4, 1)).toThrow(GuestMemoryError);
  });
});
