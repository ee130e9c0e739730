import type { DescIndex } from '../types';

/** One guest-memory segment of an element: QEMU's `struct iovec`, with a guest address instead of a host pointer. */
export interface IoVec {
  addr: number;
  len: number;
}

/** Where an element's indirect table was (QEMU's indirect_desc_cache), when it had one. */
export interface IndirectTableRef {
  /** The descriptor in the ring's table that points at the table. */
  via: DescIndex;
  addr: number;
  len: number;
}

/**
 * A popped request: QEMU's `VirtQueueElement` (include/hw/virtio/virtio.h).
 * `out_sg` are the device-readable segments in chain order, `in_sg` the device-writable ones.
 */
export interface VirtQueueElement {
  /** The chain's head: what goes back in `used.ring[].id`. */
  index: DescIndex;
  /** As in QEMU's split ring: always 1, the number of avail ring entries (and of `inuse`) the element holds. */
  ndescs: number;
  out_sg: IoVec[];
  in_sg: IoVec[];
  /** True when the chain went through an indirect table. */
  indirect: boolean;
  /**
   * Indices of the descriptors walked, in order: ring indices, then (after `indirectTable.via`) indices inside the
   * indirect table. Their fields are in guest memory, where the UI decodes them.
   */
  descs: DescIndex[];
  indirectTable?: IndirectTableRef;
}

/** `iov_size()`: total bytes of a segment list. */
export const iovSize = (sg: readonly IoVec[]): number => sg.reduce((sum, v) => sum + v.len, 0);
