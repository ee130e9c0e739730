import type { AllocationMap } from '../../virtio/allocationMap';
import { AVAIL_IDX, USED_IDX } from '../../virtio/layout';
import type { SplitRing } from '../../virtio/splitRing';
import { u16Add, u16Sub } from '../../virtio/types';
import type { BlkReqRecord } from '../../devices/blk/deviceTypes';
import type { VirtblkReq } from '../../devices/blk/driverTypes';
import { fromHex } from '../step';
import type { RequestStage } from '../view';
import type { CapturedItem } from './capture';

/** Stage of each live request by id, as of the steps played so far. */
export type ShownStages = Record<number, RequestStage>;

/**
 * Where a request is by the two sides' private state. Right between operations; inside one it runs ahead of
 * memory, since an operation runs whole before its steps are played (see OperationCapture).
 */
export function privateStage(req: VirtblkReq, record: BlkReqRecord | undefined): RequestStage {
  if (req.state === 'pending') return 'queued';
  if (req.state === 'rejected') return 'rejected';
  if (req.state === 'completed') return 'completed';
  if (!record) return 'in avail';
  switch (record.state) {
    case 'completed':
      return 'in used';
    case 'in-io':
    case 'dropped': // its I/O finished while the device was broken: nothing will be pushed
      return 'in I/O';
    case 'popped':
    case 'failed': // it broke the protocol: detached, never handed to the disk
      return 'popped';
  }
}

const le16 = (hex: string): number => {
  const b = fromHex(hex);
  return (b[0] ?? 0) | ((b[1] ?? 0) << 8);
};

/** The heads a store moving avail.idx (or used.idx) from `from` to `to` publishes, read from the ring in memory. */
function publishedHeads(ring: SplitRing, which: 'avail' | 'used', from: number, to: number): number[] {
  const size = ring.size;
  const n = Math.min(u16Sub(to, from), size);
  const heads: number[] = [];
  for (let k = 0; k < n; k++) {
    const slot = u16Add(from, k) & (size - 1);
    heads.push(which === 'avail' ? ring.availRing(slot) : ring.usedElem(slot).id);
  }
  return heads;
}

/**
 * Moves the stages shown by a step just played (its store already in memory): avail.idx published over a
 * request's head puts it in the avail ring, the device's pop and its hand-over to the disk are events of their
 * own, and used.idx published over its head puts it in the used ring. Completion (the driver ending it) is
 * handled by the caller, which retires the request.
 */
export function advanceStages(
  shown: ShownStages,
  item: CapturedItem,
  alloc: AllocationMap,
  rings: readonly SplitRing[],
  requests: Iterable<VirtblkReq>,
  /** Requests from this id on were made by the operation; older ones missing from `shown` cannot move. */
  shownFrom = 0,
): void {
  if (item.kind === 'event') {
    const e = item.event;
    if (e.type === 'popped') shown[e.request] = 'popped';
    else if (e.type === 'io-submitted') shown[e.request] = 'in I/O';
    return;
  }
  if (item.kind !== 'write') return;
  const region = alloc.regionAt(item.addr);
  if (region?.queue === undefined) return;
  const which =
    region.kind === 'avail-ring' && item.addr === region.start + AVAIL_IDX
      ? 'avail'
      : region.kind === 'used-ring' && item.addr === region.start + USED_IDX
        ? 'used'
        : null;
  const ring = rings[region.queue];
  if (which === null || !ring || item.new.length !== 4) return;
  const heads = new Set(publishedHeads(ring, which, le16(item.old), le16(item.new)));
  if (heads.size === 0) return;
  for (const req of requests) {
    if (req.queue !== region.queue || req.head === null || !heads.has(req.head)) continue;
    if (!(req.id in shown) && req.id < shownFrom) continue;
    const stage = shown[req.id] ?? 'queued';
    // A head is reused once its request is done: only the request still waiting for this move takes it.
    if (which === 'avail' && stage === 'queued') shown[req.id] = 'in avail';
    else if (which === 'used' && (stage === 'in avail' || stage === 'popped' || stage === 'in I/O')) {
      shown[req.id] = 'in used';
    }
  }
}
