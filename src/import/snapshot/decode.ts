import { VRING_DESC_F_INDIRECT, VRING_DESC_F_NEXT } from '../../virtio/constants';
import { u16Add, u16Sub } from '../../virtio/types';
import type { CapturedMemory } from './capturedMemory';
import { readIndirectTable } from './indirect';
import { usableLastAvailIdx } from './status';
import type { ChainProblem, OutstandingChain, QueueElement, QueueStatus, RingSnapshot, SnapshotDesc } from './types';

type Decoded = Pick<RingSnapshot, 'desc' | 'avail' | 'used' | 'outstanding'>;

/**
 * Reads the ring out of captured memory through SplitRing, and lists the outstanding requests: the heads in the
 * avail ring from `used.idx` (what the device has completed) up to `avail.idx` (what the driver has offered).
 * Memory is the truth; the status's private copies are compared with it separately (disagreements.ts).
 */
export function decodeRing(cap: CapturedMemory, status: QueueStatus, elements: QueueElement[]): Decoded {
  const ring = cap.ring;
  const size = ring.size;
  const desc: SnapshotDesc[] = [];
  for (let i = 0; i < size; i++) desc.push({ index: i, ...ring.readDesc(i), head: null, availPos: null });
  const avail = {
    flags: ring.availFlags(),
    idx: ring.availIdx(),
    ring: Array.from({ length: size }, (_, k) => ring.availRing(k)),
    used_event: ring.usedEvent(),
  };
  const used = {
    flags: ring.usedFlags(),
    idx: ring.usedIdx(),
    ring: Array.from({ length: size }, (_, k) => ring.usedElem(k)),
    avail_event: ring.availEvent(),
  };
  const byPos = new Map(elements.filter((e) => e.availPos !== null).map((e) => [e.availPos!, e]));
  const count = Math.min(u16Sub(avail.idx, used.idx), size);
  // Which are popped needs QEMU's last_avail_idx, which a vhost device's status does not give (null: unknown).
  const last = usableLastAvailIdx(status);
  const popped = last === null ? null : u16Sub(last, used.idx);
  const outstanding: OutstandingChain[] = [];
  for (let k = 0; k < count; k++) {
    const availPos = u16Add(used.idx, k);
    const slot = availPos % size;
    const head = avail.ring[slot]!;
    const walked = walkChain(desc, head, size);
    const descs = walked.descs;
    let problem = walked.problem;
    for (const i of descs) {
      const d = desc[i]!;
      if (d.head === null) {
        d.head = head;
        d.availPos = availPos;
      } else {
        // Neither QEMU nor Linux checks this; it shows when the first of the two completes.
        problem ??= {
          where: null,
          message: `descriptor ${i} is also in the chain at avail position ${d.availPos}: offered again while outstanding`,
          tip: { key: 'offeredTwice', params: { desc: i, otherPos: d.availPos! }, qemuMessage: null },
        };
      }
    }
    const h = desc[head];
    // QEMU follows INDIRECT on the head only (virtqueue_split_pop()), as Linux only ever sets it there.
    const indirect = h && h.flags & VRING_DESC_F_INDIRECT ? readIndirectTable(cap, h.addr, h.len) : null;
    outstanding.push({
      availPos,
      slot,
      head,
      descs,
      indirect,
      popped: popped === null ? null : k < popped,
      element: byPos.get(availPos) ?? null,
      ...(problem ? { problem } : {}),
    });
  }
  return { desc, avail, used, outstanding };
}

/**
 * Follows a chain's NEXT links in the ring's descriptor table, stopping where QEMU's virtqueue_split_pop() would
 * refuse it: a head or a `next` past the table, or a link back into the chain (QEMU notices that only after `num`
 * hops; naming the repeated descriptor is ours). `descs` holds the descriptors read up to there.
 */
export function walkChain(
  desc: readonly { flags: number; next: number }[],
  head: number,
  size: number,
): { descs: number[]; problem: ChainProblem | null } {
  const descs: number[] = [];
  if (head >= size)
    return {
      descs,
      problem: {
        where: 'virtqueue_get_head',
        message: `Guest says index ${head} is available`,
        tip: { key: 'headPastTable', params: { head, size }, qemuMessage: `Guest says index ${head} is available` },
      },
    };
  const seen = new Set<number>();
  for (let i = head; ;) {
    descs.push(i);
    seen.add(i);
    const d = desc[i]!;
    if (!(d.flags & VRING_DESC_F_NEXT)) return { descs, problem: null };
    if (d.next >= size)
      return {
        descs,
        problem: {
          where: 'virtqueue_split_read_next_desc',
          message: `Desc next is ${d.next}`,
          tip: { key: 'nextPastTable', params: { desc: i, next: d.next, size }, qemuMessage: `Desc next is ${d.next}` },
        },
      };
    if (seen.has(d.next))
      return {
        descs,
        problem: {
          where: 'virtqueue_split_pop',
          message: `Looped descriptor: descriptor ${i} links back to ${d.next}, already in this chain`,
          tip: { key: 'loop', params: { desc: i, next: d.next }, qemuMessage: 'Looped descriptor' },
        },
      };
    i = d.next;
  }
}
