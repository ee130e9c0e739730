import { describe, expect, it } from 'vitest';
import { GuestMemoryError, hex, isGuestMemoryError, virtioError } from './errors';
import { guestAddr } from './types';

describe('virtioError', () => {
  it('defaults side to device and qemuChecks to true', () => {
    expect(
      virtioError('head-out-of-range', {
        message: 'Guest says index 9 is available',
        spec: '2.7.6',
        where: 'virtqueue_get_head',
      }),
    ).toEqual({
      kind: 'head-out-of-range',
      side: 'device',
      qemuChecks: true,
      message: 'Guest says index 9 is available',
      spec: '2.7.6',
      where: 'virtqueue_get_head',
    });
  });

  it('keeps an explicit side, qemuChecks and detail', () => {
    const e = virtioError('used-id-out-of-range', {
      message: 'id 9 out of range',
      spec: '2.7.8',
      where: 'virtqueue_get_buf_ctx_split',
      side: 'driver',
      qemuChecks: false,
      detail: { id: 9, addr: 0x10n, note: 'x' },
    });
    expect(e.side).toBe('driver');
    expect(e.qemuChecks).toBe(false);
    expect(e.detail).toEqual({ id: 9, addr: 0x10n, note: 'x' });
  });

  it('an explicit undefined side or qemuChecks still gets the default', () => {
    const e = virtioError('looped-descriptor', {
      message: 'Looped descriptor',
      spec: '2.7.5.3.1',
      where: 'virtqueue_split_pop',
      side: undefined,
      qemuChecks: undefined,
    });
    expect(e.side).toBe('device');
    expect(e.qemuChecks).toBe(true);
  });

  it('the kind argument wins over anything smuggled in the fields', () => {
    const fields = { message: 'm', spec: '2.1', where: 'w', kind: 'bogus-descriptor' } as Parameters<
      typeof virtioError
    >[1];
    expect(virtioError('chain-too-long', fields).kind).toBe('chain-too-long');
  });
});

describe('GuestMemoryError', () => {
  it('is an Error with the memory-out-of-bounds kind and the access in its fields', () => {
    const e = new GuestMemoryError(0x1000, 4, 0x1000, 'read');
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe('GuestMemoryError');
    expect(e.kind).toBe('memory-out-of-bounds');
    expect([e.addr, e.length, e.memorySize, e.access]).toEqual([0x1000, 4, 0x1000, 'read']);
    expect(e.message).toBe('guest memory read of 4 byte(s) at 0x1000 is outside guest memory (0x0..0x1000)');
    expect(new GuestMemoryError(2n ** 63n, 1, 16, 'write').message).toContain(
      'write of 1 byte(s) at 0x8000000000000000',
    );
  });

  it('isGuestMemoryError tells it apart from other errors', () => {
    expect(isGuestMemoryError(new GuestMemoryError(0, 1, 0, 'read'))).toBe(true);
    expect(isGuestMemoryError(new RangeError('x'))).toBe(false);
    expect(isGuestMemoryError({ kind: 'memory-out-of-bounds' })).toBe(false);
    expect(isGuestMemoryError(undefined)).toBe(false);
  });
});

describe('hex', () => {
  it('formats numbers, bigints and addresses as 0x-prefixed lowercase hex', () => {
    expect(hex(0)).toBe('0x0');
    expect(hex(255)).toBe('0xff');
    expect(hex(2n ** 64n - 1n)).toBe('0xffffffffffffffff');
    expect(hex(guestAddr(0x1000))).toBe('0x1000');
  });
});
