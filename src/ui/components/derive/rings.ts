import { u16Add, u16Sub } from '../../../virtio/types';

/** One ring entry between two free-running indices: its index and the slot it lives in. */
export interface RingEntry {
  idx: number;
  slot: number;
}

export interface RingWindow {
  entries: RingEntry[];
  /** The distance was larger than the ring: only the first `size` entries are listed (a bad guest, usually). */
  overflow: boolean;
  /** The indices run through 65535 -> 0 inside the window. */
  wraps: boolean;
}

/** The slot a free-running index points to. Queue sizes are powers of two, so this is also `idx & (size-1)`. */
export const slotOf = (idx: number, size: number): number => idx % size;

/** The slot of the newest entry of `window` that holds `value` (`at(slot)` reads a slot); -1 if none does. */
export function newestSlotHolding(window: RingWindow, at: (slot: number) => number, value: number): number {
  for (let k = window.entries.length - 1; k >= 0; k--) {
    const { slot } = window.entries[k]!;
    if (at(slot) === value) return slot;
  }
  return -1;
}

/** Entries [from, to) of a ring, in u16 index arithmetic: e.g. published by the driver and not yet popped. */
export function ringWindow(from: number, to: number, size: number): RingWindow {
  const distance = u16Sub(to, from);
  const count = Math.min(distance, size);
  const entries: RingEntry[] = [];
  for (let k = 0; k < count; k++) {
    const idx = u16Add(from, k);
    entries.push({ idx, slot: slotOf(idx, size) });
  }
  return { entries, overflow: distance > size, wraps: entries.some((e, k) => k > 0 && e.idx < entries[k - 1]!.idx) };
}

/**
 * How a side's private copy of an index stands to the published one, in u16 arithmetic: equal, ahead or behind by
 * at most a ring's worth of entries, or further apart than a ring holds either way (a broken side, or two values
 * captured at different moments).
 */
export type CopyRelation = { kind: 'equal' } | { kind: 'ahead' | 'behind'; count: number } | { kind: 'apart' };

export function copyRelation(copy: number, published: number, size: number): CopyRelation {
  const ahead = u16Sub(copy, published);
  if (ahead === 0) return { kind: 'equal' };
  if (ahead <= size) return { kind: 'ahead', count: ahead };
  const behind = u16Sub(published, copy);
  return behind <= size ? { kind: 'behind', count: behind } : { kind: 'apart' };
}
