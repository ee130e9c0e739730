import { describe, expect, it } from 'vitest';
import { DiskImage } from './disk';

const pattern = (sectors: number, seed: number) =>
  Uint8Array.from({ length: sectors * 512 }, (_, i) => (i + seed) & 0xff);

describe('DiskImage', () => {
  it('uses a SharedArrayBuffer by default where one exists, an ArrayBuffer on request', () => {
    expect(new DiskImage({ capacitySectors: 4 }).buffer).toBeInstanceOf(SharedArrayBuffer);
    const plain = new DiskImage({ capacitySectors: 4, shared: false });
    expect(plain.buffer).toBeInstanceOf(ArrayBuffer);
    expect(plain.buffer.byteLength).toBe(2048);
    expect(plain.capacity).toBe(4);
  });

  it('wraps an existing buffer of the right size only', () => {
    const buf = new SharedArrayBuffer(1024);
    new Uint8Array(buf)[600] = 9;
    const d = new DiskImage({ capacitySectors: 2, buffer: buf });
    expect(d.read(1, 1).ok && d.read(1, 1)).toMatchObject({ ok: true });
    const r = d.read(1, 1);
    expect(r.ok && r.value[88]).toBe(9);
    expect(() => new DiskImage({ capacitySectors: 3, buffer: buf })).toThrow(RangeError);
    expect(() => new DiskImage({ capacitySectors: -1 })).toThrow(RangeError);
  });

  it('reads back what was written, sector-addressed', () => {
    const d = new DiskImage({ capacitySectors: 16 });
    const data = pattern(3, 5);
    expect(d.write(4, data)).toEqual({ ok: true, value: undefined });
    const r = d.read(4, 3);
    expect(r.ok && r.value).toEqual(data);
    const before = d.read(3, 1);
    expect(before.ok && before.value.every((b) => b === 0)).toBe(true);
    expect(d.stats).toMatchObject({ writes: 1, reads: 2, sectorsWritten: 3, sectorsRead: 4 });
  });

  it('returns typed errors for out-of-range, misaligned and bad arguments, never throws', () => {
    const d = new DiskImage({ capacitySectors: 8 });
    expect(d.read(8, 1)).toMatchObject({ ok: false, error: { kind: 'out-of-range' } });
    expect(d.read(7, 2)).toMatchObject({ ok: false, error: { kind: 'out-of-range' } });
    expect(d.read(-1, 1)).toMatchObject({ ok: false, error: { kind: 'out-of-range' } });
    expect(d.read(1n << 60n, 1)).toMatchObject({ ok: false, error: { kind: 'out-of-range' } });
    expect(d.read(0, -1)).toMatchObject({ ok: false, error: { kind: 'invalid-argument' } });
    expect(d.read(0.5, 1)).toMatchObject({ ok: false, error: { kind: 'out-of-range' } });
    expect(d.write(0, new Uint8Array(100))).toMatchObject({ ok: false, error: { kind: 'misaligned' } });
    expect(d.write(7, new Uint8Array(1024))).toMatchObject({ ok: false, error: { kind: 'out-of-range' } });
    expect(d.discard(6, 3)).toMatchObject({ ok: false, error: { kind: 'out-of-range' } });
    expect(d.write_zeroes(9, 0)).toMatchObject({ ok: false, error: { kind: 'out-of-range' } });
    // A zero-length range at the very end is fine, as QEMU's sect_range_ok allows sector == total.
    expect(d.read(8, 0)).toMatchObject({ ok: true });
    expect(d.read(8n, 0).ok).toBe(true);
  });

  it('refuses changes on a read-only disk but allows reads and flushes', () => {
    const d = new DiskImage({ capacitySectors: 4, readOnly: true });
    expect(d.write(0, new Uint8Array(512))).toMatchObject({ ok: false, error: { kind: 'read-only' } });
    expect(d.discard(0, 1)).toMatchObject({ ok: false, error: { kind: 'read-only' } });
    expect(d.write_zeroes(0, 1)).toMatchObject({ ok: false, error: { kind: 'read-only' } });
    expect(d.read(0, 4).ok).toBe(true);
    expect(d.flush().ok).toBe(true);
  });

  it('zeroes on discard and write_zeroes, and tracks dirty sectors until a flush', () => {
    const d = new DiskImage({ capacitySectors: 8 });
    d.write(0, pattern(8, 1));
    expect(d.dirtySectors).toBe(8);
    expect(d.flush().ok).toBe(true);
    expect(d.dirtySectors).toBe(0);
    expect(d.discard(1, 2).ok).toBe(true);
    expect(d.write_zeroes(5, 1).ok).toBe(true);
    expect(d.dirtySectors).toBe(3);
    expect(d.isDirty(5)).toBe(true);
    expect(d.isDirty(0)).toBe(false);
    const r = d.read(0, 8);
    if (!r.ok) throw new Error('read failed');
    const sectorZero = (s: number) => r.value.subarray(s * 512, s * 512 + 512).every((b) => b === 0);
    expect([0, 1, 2, 3, 4, 5, 6, 7].map(sectorZero)).toEqual([false, true, true, false, false, true, false, false]);
    expect(d.stats).toMatchObject({ discards: 1, writeZeroes: 1, flushes: 1 });
  });

  it('gives a window aliasing the image, empty when out of range', () => {
    const d = new DiskImage({ capacitySectors: 2 });
    d.write(1, pattern(1, 3));
    expect(d.window(1, 1)[0]).toBe(3);
    expect(d.window(1, 5).length).toBe(0);
  });
});
