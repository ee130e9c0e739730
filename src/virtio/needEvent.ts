/**
 * `vring_need_event(event_idx, new_idx, old)` (spec §2.7.7.2 / §2.7.10, Linux include/uapi/linux/virtio_ring.h):
 * true when the other side asked to be told once entry `eventIdx` was published, and this batch of publications
 * (from `oldIdx` up to, not including, `newIdx`) has just crossed it. All arithmetic is 16-bit.
 */
export function vring_need_event(eventIdx: number, newIdx: number, oldIdx: number): boolean {
  return ((newIdx - eventIdx - 1) & 0xffff) < ((newIdx - oldIdx) & 0xffff);
}
