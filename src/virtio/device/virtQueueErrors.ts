import { virtioError, hex, type VirtioError } from '../errors';

// The device side's VirtioErrors. Messages are QEMU's virtio_error() strings (hw/virtio/virtio.c) with the values
// filled in; where QEMU has no such check (qemuChecks: false) the wording is ours. `spec` is the virtio 1.2+
// section (split-ring.tex) the driver broke.

export const availIdxJump = (lastAvailIdx: number, availIdx: number): VirtioError =>
  virtioError('avail-idx-jump', {
    // QEMU's wording says "used", though it is the avail index that moved.
    message: `Guest moved used index from ${lastAvailIdx} to ${availIdx}`,
    spec: '2.7.6.1',
    where: 'virtqueue_num_heads',
    // QEMU's split pop trusts the index (virtio_queue_empty_rcu) and would pop stale slots instead; vhost and
    // QEMU's old dataplane vring_pop check on every pop, as we do.
    caveat: 'not-in-qemu-pop',
    detail: { last_avail_idx: lastAvailIdx, avail_idx: availIdx },
  });

export const headOutOfRange = (head: number, num: number): VirtioError =>
  virtioError('head-out-of-range', {
    message: `Guest says index ${head} is available`,
    spec: '2.7.6',
    where: 'virtqueue_get_head',
    detail: { head, num },
  });

export const queueSizeExceeded = (inuse: number, num: number): VirtioError =>
  virtioError('queue-size-exceeded', {
    message: 'Virtqueue size exceeded',
    spec: '2.7',
    where: 'virtqueue_split_pop',
    detail: { inuse, num },
  });

export const descNextOutOfRange = (from: number, next: number, max: number): VirtioError =>
  virtioError('desc-next-out-of-range', {
    message: `Desc next is ${next}`,
    spec: '2.7.5',
    where: 'virtqueue_split_read_next_desc',
    detail: { desc: from, next, max },
  });

export const loopedDescriptor = (entries: number, max: number): VirtioError =>
  virtioError('looped-descriptor', {
    message: 'Looped descriptor',
    spec: '2.7.5.2',
    where: 'virtqueue_split_pop',
    detail: { entries, max },
  });

export const zeroSizedBuffer = (desc: number, addr: bigint): VirtioError =>
  virtioError('zero-sized-buffer', {
    message: 'virtio: zero sized buffers are not allowed',
    spec: '2.7.5',
    where: 'virtqueue_map_desc',
    detail: { desc, addr },
  });

export const incorrectOrder = (desc: number): VirtioError =>
  virtioError('incorrect-order', {
    message: 'Incorrect order for descriptors',
    spec: '2.7.4.2',
    where: 'virtqueue_split_pop',
    detail: { desc },
  });

export const bogusDescriptor = (desc: number, addr: bigint, len: number, memorySize: number): VirtioError =>
  virtioError('bogus-descriptor', {
    message: 'virtio: bogus descriptor or out of resources',
    spec: '2.7.5',
    where: 'virtqueue_map_desc',
    detail: { desc, addr, len, memorySize },
  });

export const tooManySegments = (desc: number, max: number): VirtioError =>
  virtioError('too-many-segments', {
    // QEMU says "write" and "indirect table" whichever kind of descriptor overflowed the iovec array.
    message: 'virtio: too many write descriptors in indirect table',
    spec: '2.7.4.1',
    where: 'virtqueue_map_desc',
    detail: { desc, max },
  });

export const chainTooManyBytes = (total: number): VirtioError =>
  virtioError('chain-too-many-bytes', {
    message: `descriptor chain covers ${total} bytes, more than 2^32`,
    spec: '2.7.5.2',
    where: 'virtqueue_split_pop',
    qemuChecks: false,
    detail: { total },
  });

export const indirectNotNegotiated = (desc: number): VirtioError =>
  virtioError('indirect-not-negotiated', {
    message: `descriptor ${desc} sets VRING_DESC_F_INDIRECT but VIRTIO_RING_F_INDIRECT_DESC was not negotiated`,
    spec: '2.7.5.3.1',
    where: 'virtqueue_split_pop',
    qemuChecks: false,
    detail: { desc },
  });

export const indirectWithNext = (desc: number): VirtioError =>
  virtioError('indirect-with-next', {
    message: `descriptor ${desc} sets both VRING_DESC_F_INDIRECT and VRING_DESC_F_NEXT`,
    spec: '2.7.5.3.1',
    where: 'virtqueue_split_pop',
    qemuChecks: false,
    detail: { desc },
  });

export const indirectNested = (desc: number, table: number): VirtioError =>
  virtioError('indirect-nested', {
    message: `descriptor ${desc} of the indirect table at ${hex(table)} sets VRING_DESC_F_INDIRECT`,
    spec: '2.7.5.3.1',
    where: 'virtqueue_split_pop',
    qemuChecks: false,
    detail: { desc, table },
  });

export const indirectBadSize = (desc: number, len: number): VirtioError =>
  virtioError('indirect-bad-size', {
    message: 'Invalid size for indirect buffer table',
    spec: '2.7.5.3',
    where: 'virtqueue_split_pop',
    detail: { desc, len },
  });

export const cannotMapIndirect = (desc: number, addr: bigint, len: number, memorySize: number): VirtioError =>
  virtioError('cannot-map-indirect', {
    message: 'Cannot map indirect buffer',
    spec: '2.7.5.3',
    where: 'virtqueue_split_pop',
    detail: { desc, addr, len, memorySize },
  });

/** The device's own mistake when returning buffers; QEMU does not check these. */
export const usedPushInvalid = (where: string, message: string, detail: Record<string, number>): VirtioError =>
  virtioError('used-push-invalid', { message, spec: '2.7.8', where, qemuChecks: false, detail });

/** QEMU's virtio_init_region_cache() failing: "Cannot map desc" / "Cannot map avail" / "Cannot map used". */
export const cannotMapRegion = (
  part: 'desc' | 'avail' | 'used',
  addr: number,
  len: number,
  memorySize: number,
): VirtioError =>
  virtioError('memory-out-of-bounds', {
    message: `Cannot map ${part}`,
    spec: '2.7',
    where: 'virtio_init_region_cache',
    detail: { addr, len, memorySize },
  });
