import {
  AVAIL_ELEM_SIZE,
  DESC_SIZE,
  USED_ELEM_SIZE,
  VIRTIO_PCI_VRING_ALIGN,
  VIRTQUEUE_SPEC_MAX_SIZE,
} from './constants';
import { virtioError, type VirtioError } from './errors';
import { err, ok, type Result } from './types';

// Byte offsets of the split ring's fields (spec §2.7.5, §2.7.6, §2.7.8). All little-endian in virtio 1.x.

/** struct virtq_desc */
export const DESC_ADDR = 0; // le64
export const DESC_LEN = 8; // le32
export const DESC_FLAGS = 12; // le16
export const DESC_NEXT = 14; // le16

/** struct virtq_avail */
export const AVAIL_FLAGS = 0;
export const AVAIL_IDX = 2;
export const AVAIL_RING = 4;
/** struct virtq_used */
export const USED_FLAGS = 0;
export const USED_IDX = 2;
export const USED_RING = 4;
export const USED_ELEM_ID = 0; // le32
export const USED_ELEM_LEN = 4; // le32

/** Alignment each part needs (spec §2.7, table "Virtqueue Part Alignment"). */
export const DESC_TABLE_ALIGN = 16;
export const AVAIL_RING_ALIGN = 2;
export const USED_RING_ALIGN = 4;

export const descTableBytes = (size: number): number => DESC_SIZE * size;
/** flags + idx + ring[size] + used_event */
export const availRingBytes = (size: number): number => 6 + AVAIL_ELEM_SIZE * size;
/** flags + idx + ring[size] + avail_event */
export const usedRingBytes = (size: number): number => 6 + USED_ELEM_SIZE * size;

export const availRingEntryOffset = (slot: number): number => AVAIL_RING + AVAIL_ELEM_SIZE * slot;
export const usedEventOffset = (size: number): number => AVAIL_RING + AVAIL_ELEM_SIZE * size;
export const usedElemOffset = (slot: number): number => USED_RING + USED_ELEM_SIZE * slot;
export const availEventOffset = (size: number): number => USED_RING + USED_ELEM_SIZE * size;

const alignUp = (n: number, align: number): number => Math.ceil(n / align) * align;

/** Legacy layout (spec §2.7.2): the used ring starts at the next `align` boundary after the avail ring. */
export const legacyUsedOffset = (size: number, align = VIRTIO_PCI_VRING_ALIGN): number =>
  alignUp(descTableBytes(size) + availRingBytes(size), align);
/** Legacy layout's total size, `ALIGN(16N + 2(3+N), align) + 6 + 8N`. */
export const legacyRingBytes = (size: number, align = VIRTIO_PCI_VRING_ALIGN): number =>
  legacyUsedOffset(size, align) + usedRingBytes(size);

/** Exact for any safe integer: a 32-bit `n & (n - 1)` test would call every multiple of 2^32 a power of two. */
export const isPowerOfTwo = (n: number): boolean => {
  if (!Number.isInteger(n) || n <= 0) return false;
  while (n % 2 === 0) n /= 2;
  return n === 1;
};

/** A split queue's size must be a power of two no larger than 32768 (spec §2.7). */
export function validateQueueSize(size: number, max = VIRTQUEUE_SPEC_MAX_SIZE): Result<number, VirtioError> {
  if (isPowerOfTwo(size) && size <= max) return ok(size);
  return err(
    virtioError('invalid-queue-size', {
      message: `queue size ${size} is invalid: it must be a power of 2 from 1 to ${max}`,
      spec: '2.7',
      where: 'virtio_queue_set_num',
      qemuChecks: true,
      detail: { size, max },
    }),
  );
}

/** Where a split ring's three parts sit in guest memory (the driver chooses; spec §4.1.4.3 queue_desc/driver/device). */
export interface SplitRingAddrs {
  size: number;
  desc: number;
  avail: number;
  used: number;
}

/** Checks the addresses a driver gave: each part inside guest memory and aligned (overlap is not checked). */
export function validateRingAddrs(addrs: SplitRingAddrs, memorySize: number): Result<SplitRingAddrs, VirtioError> {
  const sized = validateQueueSize(addrs.size);
  if (!sized.ok) return sized;
  const parts: [string, number, number, number][] = [
    ['descriptor table', addrs.desc, descTableBytes(addrs.size), DESC_TABLE_ALIGN],
    ['available ring', addrs.avail, availRingBytes(addrs.size), AVAIL_RING_ALIGN],
    ['used ring', addrs.used, usedRingBytes(addrs.size), USED_RING_ALIGN],
  ];
  for (const [name, at, len, align] of parts) {
    if (!Number.isInteger(at) || at < 0 || at + len > memorySize) {
      return err(
        virtioError('memory-out-of-bounds', {
          message: `Cannot map ${name}: 0x${at.toString(16)}+${len} is outside guest memory (0x${memorySize.toString(16)} bytes)`,
          spec: '2.7',
          where: 'virtio_init_region_cache',
          detail: { addr: at, length: len },
        }),
      );
    }
    if (at % align !== 0) {
      return err(
        virtioError('misaligned-ring', {
          message: `the ${name} at 0x${at.toString(16)} is not ${align}-byte aligned`,
          spec: '2.7',
          where: 'virtio_queue_set_rings',
          qemuChecks: false,
          detail: { addr: at, align },
        }),
      );
    }
  }
  return ok(addrs);
}
