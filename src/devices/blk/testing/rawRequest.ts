import { VRING_DESC_F_NEXT, VRING_DESC_F_WRITE } from '../../../virtio/constants';
import type { SplitRing } from '../../../virtio/splitRing';
import { u16Add } from '../../../virtio/types';

/** One buffer of a hand-made chain: where it is, how long, and whether the device may write it. */
export interface RawBuffer {
  addr: number;
  len: number;
  write: boolean;
}

/**
 * Writes a descriptor chain by hand (descriptors `first`, `first+1`, ...) and publishes its head in the avail
 * ring at `availIdx`, then moves avail.idx past it. For tests that need requests no correct driver would build.
 * Returns the new avail.idx.
 */
export function publishRawChain(
  ring: SplitRing,
  first: number,
  buffers: readonly RawBuffer[],
  availIdx: number,
): number {
  buffers.forEach((b, k) => {
    const last = k === buffers.length - 1;
    ring.writeDesc(first + k, {
      addr: BigInt(b.addr),
      len: b.len,
      flags: (b.write ? VRING_DESC_F_WRITE : 0) | (last ? 0 : VRING_DESC_F_NEXT),
      next: last ? 0 : first + k + 1,
    });
  });
  ring.setAvailRing(availIdx & (ring.size - 1), first);
  const next = u16Add(availIdx, 1);
  ring.setAvailIdx(next);
  return next;
}
