import { AVAIL_ELEM_SIZE } from '../../virtio/constants';
import { AVAIL_IDX, availRingEntryOffset } from '../../virtio/layout';
import { message } from '../messages';
import { fromHex } from '../step';
import type { CapturedItem } from './capture';

/** The functions whose stores make up one virtqueue_add_split call: the chain's descriptors and its ring entry. */
const ADD_FNS = new Set(['virtqueue_add', 'virtqueue_add_split', 'virtqueue_add_desc_split', 'alloc_indirect_split']);

const le16 = (hex: string): number => {
  const b = fromHex(hex);
  return (b[0] ?? 0) | ((b[1] ?? 0) << 8);
};

/** What the missing-barrier fault did to one captured guest operation. */
export interface Unfenced {
  /** The operation's items in the order a CPU (or compiler) without the barrier may make them visible. */
  items: CapturedItem[];
  /** Positions in `items` of the first and the last store that now become visible after avail.idx. */
  from: number;
  to: number;
  /** The free-running index of the ring entry published early, its slot, and what the slot held before. */
  availIdx: number;
  slot: number;
  stale: number;
}

/**
 * Linux: virtqueue_add_split() stores the chain's descriptors and `avail.ring[slot]`, then `virtio_wmb()`, then
 * `avail.idx`. Without the barrier nothing keeps the index store behind the others: this returns the operation
 * with that `virtio_wmb` dropped and the `avail.idx` store moved ahead of the chain's descriptor stores and its
 * ring entry, each store noted. Null when the operation holds no such add of `head` (the ring at `avail`).
 */
export function dropVirtioWmb(
  items: readonly CapturedItem[],
  ring: { avail: number; size: number },
  head: number,
  request: number,
): Unfenced | null {
  const ringStart = ring.avail + availRingEntryOffset(0);
  const ringEnd = ring.avail + availRingEntryOffset(ring.size);
  const idxAddr = ring.avail + AVAIL_IDX;
  const entry = items.findIndex(
    (it) =>
      it.kind === 'write' &&
      it.fn === 'virtqueue_add_split' &&
      it.addr >= ringStart &&
      it.addr < ringEnd &&
      it.new.length === 4 &&
      le16(it.new) === head,
  );
  if (entry < 0) return null;
  const wmb = entry + 1;
  const fence = items[wmb];
  if (fence?.kind !== 'barrier' || fence.barrier !== 'virtio_wmb') return null;
  const publish = items.findIndex((it, i) => i > wmb && it.kind === 'write' && it.addr === idxAddr);
  const idxStore = items[publish];
  if (idxStore?.kind !== 'write') return null;
  const slotStore = items[entry] as Extract<CapturedItem, { kind: 'write' }>;
  // Back to the chain's first store: the descriptors (or the indirect table) this add wrote.
  let start = entry;
  for (;;) {
    const prev = items[start - 1];
    if (prev?.kind !== 'write' || !ADD_FNS.has(prev.fn) || prev.addr === idxAddr) break;
    start--;
  }
  const slot = (slotStore.addr - ringStart) / AVAIL_ELEM_SIZE;
  const stale = le16(slotStore.old);
  const availIdx = (le16(idxStore.new) - 1) & 0xffff;
  const late = message('fault.missingBarrier.late');
  const moved: CapturedItem[] = items
    .slice(start, entry)
    .map((it) => (it.kind === 'write' ? { ...it, fault: late } : it));
  const reordered: CapturedItem[] = [
    ...items.slice(0, start),
    {
      ...idxStore,
      fault: message('fault.missingBarrier.publish', { slot, stale, request, head }),
    },
    ...moved,
    {
      ...slotStore,
      fault: message('fault.missingBarrier.entry', { request, slot, stale }),
    },
    ...items.slice(wmb + 1, publish),
    ...items.slice(publish + 1),
  ];
  return { items: reordered, from: start + 1, to: start + 1 + moved.length, availIdx, slot, stale };
}
