import type { DescIndex } from '../types';

/** One guest-memory segment of an element: QEMU's `struct iovec`, with a guest address instead of a host pointer. */
export interface IoVec {
  addr: number;
  len: number;
}

/** One descriptor as the device read it while walking a chain, for the UI. */
export interface WalkedDesc {
  /** Guest address of the table it was read from: the ring's descriptor table or an indirect table. */
  table: number;
  /** True when `table` is an indirect table. */
  inIndirectTable: boolean;
  index: DescIndex;
  addr: bigint;
  len: number;
  flags: number;
  next: number;
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
  /** Indices of the descriptors walked, in order (ring indices, then indirect-table indices); see `walk`. */
  descs: DescIndex[];
  /** The same walk with each descriptor's fields and the table it came from. */
  walk: WalkedDesc[];
  indirectTable?: IndirectTableRef;
}

/** `iov_size()`: total bytes of a segment list. */
export const iovSize = (sg: readonly IoVec[]): number => sg.reduce((sum, v) => sum + v.len, 0);
