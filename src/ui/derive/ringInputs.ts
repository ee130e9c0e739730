import type { QueueView } from '../../engine/view';
import { availRingBytes, usedRingBytes } from '../../virtio/layout';

/** The set every ring gets when the step wrote none of its bytes: one object, so a memoised ring can skip. */
export const NO_RING_CHANGES: Set<number> = new Set();

const narrowed = new WeakMap<ReadonlySet<number>, Map<string, Set<number>>>();

/**
 * The addresses of `changed` within [start, start+len): NO_RING_CHANGES when there are none, and the same set for
 * the same `changed` and range (a panel re-rendered without a new step keeps its props). A new step that writes
 * into the range gives a new set, so each flash restarts (see components/changed.ts, changeStamp).
 */
export function changedWithin(changed: ReadonlySet<number>, start: number, len: number): Set<number> {
  if (changed.size === 0) return NO_RING_CHANGES;
  let byRange = narrowed.get(changed);
  if (!byRange) {
    byRange = new Map();
    narrowed.set(changed, byRange);
  }
  const key = `${start}:${len}`;
  let out = byRange.get(key);
  if (out === undefined) {
    const inRange = [...changed].filter((a) => a >= start && a < start + len);
    out = inRange.length === 0 ? NO_RING_CHANGES : new Set(inRange);
    byRange.set(key, out);
  }
  return out;
}

/** The bytes of a queue's available ring (flags, idx, ring, used_event): what the avail ring panel shows. */
export const availRingChanges = (changed: ReadonlySet<number>, q: QueueView): Set<number> =>
  changedWithin(changed, q.addrs.avail, availRingBytes(q.size));

/** The bytes of a queue's used ring (flags, idx, ring, avail_event): what the used ring panel shows. */
export const usedRingChanges = (changed: ReadonlySet<number>, q: QueueView): Set<number> =>
  changedWithin(changed, q.addrs.used, usedRingBytes(q.size));

/** The fields every ring panel shows besides its own ring. */
function sameFrame(a: QueueView, b: QueueView): boolean {
  return (
    a.index === b.index &&
    a.size === b.size &&
    a.eventIdx === b.eventIdx &&
    a.addrs.avail === b.addrs.avail &&
    a.addrs.used === b.addrs.used
  );
}

/** Each slot's chain is coloured by its request: the same heads must still belong to the same requests. */
function sameRequests(a: QueueView, b: QueueView, heads: (slot: number) => number, slots: number): boolean {
  if (a.desc === b.desc) return true;
  for (let s = 0; s < slots; s++) {
    const h = heads(s);
    if ((a.desc[h]?.request ?? null) !== (b.desc[h]?.request ?? null)) return false;
  }
  return true;
}

/**
 * True when the available ring panel would draw `b` as it drew `a`: the ring in memory (a decoded ring that did
 * not change keeps its object), the driver's shadow index, the device's copies and the requests of the slots'
 * heads. The rest of the queue (descriptors' contents, the used ring, free lists) it does not show.
 */
export function sameAvailRingInputs(a: QueueView, b: QueueView): boolean {
  if (a === b) return true;
  return (
    sameFrame(a, b) &&
    a.avail === b.avail &&
    a.driver.avail_idx_shadow === b.driver.avail_idx_shadow &&
    (a.device === null) === (b.device === null) &&
    a.device?.last_avail_idx === b.device?.last_avail_idx &&
    a.device?.shadow_avail_idx === b.device?.shadow_avail_idx &&
    sameRequests(a, b, (s) => b.avail.ring[s]!, b.avail.ring.length)
  );
}

/** As sameAvailRingInputs, for the used ring panel: the ring, last_used_idx, the device's used_idx, requests. */
export function sameUsedRingInputs(a: QueueView, b: QueueView): boolean {
  if (a === b) return true;
  return (
    sameFrame(a, b) &&
    a.used === b.used &&
    a.driver.last_used_idx === b.driver.last_used_idx &&
    (a.device === null) === (b.device === null) &&
    a.device?.used_idx === b.device?.used_idx &&
    sameRequests(a, b, (s) => b.used.ring[s]!.id, b.used.ring.length)
  );
}
