import { describe, expect, it } from 'vitest';
import { checkStatusTransition, formatStatus, statusNames, STATUS_BITS } from './deviceStatus';

const ACK = 1;
const DRIVER = 2;
const DRIVER_OK = 4;
const FEATURES_OK = 8;
const SUSPEND = 16;
const NEEDS_RESET = 64;
const FAILED = 128;

const allowed = (old: number, val: number, v1 = true) => checkStatusTransition(old, val, v1).ok;
const reason = (old: number, val: number, v1 = true) => {
  const r = checkStatusTransition(old, val, v1);
  if (r.ok) throw new Error(`expected ${old} -> ${val} to be refused`);
  return r.error;
};

describe('status names', () => {
  it('lists the spec bits in spec order', () => {
    expect(STATUS_BITS.map((b) => b.bit)).toEqual([1, 2, 8, 4, 16, 64, 128]);
    expect(statusNames(15)).toEqual(['ACKNOWLEDGE', 'DRIVER', 'FEATURES_OK', 'DRIVER_OK']);
    expect(statusNames(0xcb)).toEqual(['ACKNOWLEDGE', 'DRIVER', 'FEATURES_OK', 'DEVICE_NEEDS_RESET', 'FAILED']);
    expect(statusNames(0)).toEqual([]);
    expect(statusNames(32)).toEqual(['0x20']);
  });
  it('formats a status for the UI', () => {
    expect(formatStatus(0)).toBe('0 (reset)');
    expect(formatStatus(11)).toBe('ACKNOWLEDGE|DRIVER|FEATURES_OK (0xb)');
    expect(formatStatus(0x4f)).toBe('ACKNOWLEDGE|DRIVER|FEATURES_OK|DRIVER_OK|DEVICE_NEEDS_RESET (0x4f)');
  });
});

describe('checkStatusTransition: the initialisation sequence (spec §3.1.1)', () => {
  it.each([
    [0, ACK],
    [ACK, ACK | DRIVER],
    [ACK | DRIVER, ACK | DRIVER | FEATURES_OK],
    [ACK | DRIVER | FEATURES_OK, ACK | DRIVER | FEATURES_OK | DRIVER_OK],
  ])('allows %i -> %i', (old, val) => {
    expect(allowed(old, val)).toBe(true);
  });

  it('allows several steps in one write when each bit’s predecessor is in the same value', () => {
    expect(allowed(0, ACK | DRIVER)).toBe(true);
    expect(allowed(0, ACK | DRIVER | FEATURES_OK | DRIVER_OK)).toBe(true);
  });

  it('allows writing the same value again', () => {
    for (const s of [ACK, ACK | DRIVER, 11, 15]) expect(allowed(s, s)).toBe(true);
  });

  it.each([
    [0, DRIVER, 'DRIVER set before ACKNOWLEDGE'],
    [0, ACK | FEATURES_OK, 'FEATURES_OK set before DRIVER'],
    [ACK | DRIVER, ACK | DRIVER | DRIVER_OK, 'DRIVER_OK set before FEATURES_OK'],
    [ACK, ACK | DRIVER_OK, 'DRIVER_OK set before FEATURES_OK'],
  ])('refuses %i -> %i out of order (%s)', (old, val, why) => {
    const e = reason(old, val);
    expect(e.kind).toBe('invalid-status-transition');
    expect(e.spec).toBe('3.1.1');
    expect(e.message).toContain(why);
    expect(e.qemuChecks).toBe(false);
    expect(e.where).toBe('virtio_set_status');
  });

  it('without VERSION_1 (legacy) DRIVER_OK follows DRIVER directly', () => {
    expect(allowed(ACK | DRIVER, ACK | DRIVER | DRIVER_OK, false)).toBe(true);
    expect(allowed(ACK, ACK | DRIVER_OK, false)).toBe(false);
  });
});

describe('checkStatusTransition: the driver never clears a bit (spec §2.1.1)', () => {
  const full = ACK | DRIVER | FEATURES_OK | DRIVER_OK;
  it.each([
    [full, full & ~ACK, 'ACKNOWLEDGE'],
    [full, full & ~DRIVER, 'DRIVER'],
    [full, full & ~FEATURES_OK, 'FEATURES_OK'],
    [full, full & ~DRIVER_OK, 'DRIVER_OK'],
    [full, ACK, 'DRIVER|FEATURES_OK|DRIVER_OK'],
    [ACK | FAILED, ACK, 'FAILED'],
  ])('refuses %i -> %i (clears %s)', (old, val, cleared) => {
    const e = reason(old, val);
    expect(e.spec).toBe('2.1.1');
    expect(e.message).toContain(`must not clear ${cleared}`);
    expect(e.detail).toEqual({ old, val });
  });

  it('reset (0) is always allowed, from any state', () => {
    for (let old = 0; old < 256; old++) expect(allowed(old, 0)).toBe(true);
  });

  it('DEVICE_NEEDS_RESET may be written back or left out, but not set by the driver', () => {
    expect(allowed(15 | NEEDS_RESET, 15)).toBe(true);
    expect(allowed(15 | NEEDS_RESET, 15 | NEEDS_RESET)).toBe(true);
    expect(allowed(15 | NEEDS_RESET, 15 | NEEDS_RESET | FAILED)).toBe(true);
    expect(reason(15, 15 | NEEDS_RESET).message).toContain('DEVICE_NEEDS_RESET is set by the device');
  });

  it('SUSPEND is refused: the device does not offer VIRTIO_F_SUSPEND', () => {
    expect(reason(15, 15 | SUSPEND).message).toContain('SUSPEND needs VIRTIO_F_SUSPEND');
  });

  it('FAILED may be set at any point, and after it only a reset is accepted', () => {
    for (const s of [0, ACK, ACK | DRIVER, 11, 15]) expect(allowed(s, s | FAILED)).toBe(true);
    expect(reason(ACK | FAILED, ACK | DRIVER | FAILED).message).toContain('after FAILED');
    expect(allowed(ACK | FAILED, ACK | FAILED)).toBe(true);
    expect(allowed(ACK | FAILED, 0)).toBe(true);
  });

  it.each([256, -1, 1.5, NaN, 0x1ff])('refuses %d: not an 8-bit value', (val) => {
    const e = reason(ACK, val);
    expect(e.spec).toBe('2.1');
    expect(e.message).toContain('8 bits');
  });

  it('every (old, val) pair: an accepted non-zero write keeps every driver bit it had', () => {
    for (let old = 0; old < 256; old++) {
      for (let val = 1; val < 256; val++) {
        if (allowed(old, val)) expect(old & ~val & ~NEEDS_RESET).toBe(0);
      }
    }
  });
});
