import { DESC_SIZE } from '../../virtio/constants';
import type { VringDesc } from '../../virtio/splitRing';
import type { CapturedMemory } from './capturedMemory';
import type { RingSnapshot, SnapshotIndirect } from './types';

/**
 * The indirect table an INDIRECT descriptor points at (`addr`, `len` bytes: len / 16 entries, as QEMU's
 * virtqueue_split_pop() counts them). Its entries are read through the ring's own SplitRing.readDesc, from the
 * captured memory, when that memory holds the whole table; otherwise `table` is null and nothing is guessed.
 */
export function readIndirectTable(cap: CapturedMemory, addr: bigint, len: number): SnapshotIndirect {
  const entries = Math.floor(len / DESC_SIZE);
  // A table of no entries has no bytes to miss (QEMU refuses it as "Invalid size for indirect buffer table").
  const local = entries === 0 ? 0 : cap.localOf(addr, entries * DESC_SIZE);
  const table: VringDesc[] | null =
    local === null ? null : Array.from({ length: entries }, (_, k) => cap.ring.readDesc(k, local));
  return { addr, len, entries, captured: table !== null, table };
}

/** An outstanding chain's indirect table that the snapshot does not hold, as the descriptor table reports it. */
export interface UncapturedIndirect {
  addr: bigint;
  len: number;
  entries: number;
  /** QEMU's element query was asked about this chain, so it reported the table's entries (as QEMU read them). */
  queried: boolean;
}

/**
 * The outstanding chains' indirect tables the captured memory does not hold, by the ring descriptor that points
 * at each (the head): the rows that say "not captured" instead of showing entries.
 */
export function uncapturedIndirect(s: Pick<RingSnapshot, 'outstanding'>): Map<number, UncapturedIndirect> {
  const out = new Map<number, UncapturedIndirect>();
  for (const c of s.outstanding) {
    const ind = c.indirect;
    if (!ind || ind.captured) continue;
    out.set(c.head, { addr: ind.addr, len: ind.len, entries: ind.entries, queried: c.element !== null });
  }
  return out;
}
