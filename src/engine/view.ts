import { freeListOf } from '../virtio/driver/freeList';
import type { VringVirtqueueState } from '../virtio/driver/types';
import type { VirtQueueState } from '../virtio/device/virtQueueState';
import type { VringDesc, VringUsedElem } from '../virtio/splitRing';
import type { SplitRingAddrs } from '../virtio/layout';
import type { Region } from '../virtio/allocationMap';
import type { VirtioError } from '../virtio/errors';
import { statusNames } from '../virtio/device/deviceStatus';
import { hasFeature } from '../virtio/features';
import {
  VIRTIO_RING_F_EVENT_IDX,
  VIRTIO_RING_F_INDIRECT_DESC,
  VRING_DESC_F_INDIRECT,
  VRING_DESC_F_NEXT,
} from '../virtio/constants';

/** At most this many indirect entries are decoded for display (a spec-valid table holds at most the queue size). */
const VRING_RING_SAFE_MAX = 1024;
import type { Machine, MachineCounters, RunEnd } from './machine/machine';
import type { ActorId } from './step';

export interface DescView extends VringDesc {
  index: number;
  /** On the driver's free list. */
  free: boolean;
  /** The head of the chain it is part of, while in flight. */
  head: number | null;
  /** The request whose chain it is part of. */
  request: number | null;
}

export interface IndirectView {
  /** The ring descriptor that points at the table. */
  via: number;
  addr: number;
  entries: VringDesc[];
  /** False when the table lies outside guest memory (a bad guest, or a real VM's snapshot). */
  readable: boolean;
}

export interface ChainView {
  head: number;
  /** Ring descriptor indices in chain order. */
  descs: number[];
  indirect: IndirectView | null;
  request: number | null;
}

export type RequestStage = 'queued' | 'in avail' | 'popped' | 'in I/O' | 'in used' | 'completed' | 'rejected';

export interface RequestView {
  id: number;
  queue: number;
  op: string;
  sector: number;
  nsectors: number;
  head: number | null;
  stage: RequestStage;
  /** The status byte the device wrote (0 OK, 1 IOERR, 2 UNSUPP), once it did. */
  status: number | null;
  /** Virtual-time ticks from pop to completion on the device, once completed there. */
  latency: number | null;
}

export interface QueueView {
  index: number;
  size: number;
  addrs: SplitRingAddrs;
  eventIdx: boolean;
  indirect: boolean;
  desc: DescView[];
  avail: { flags: number; idx: number; ring: number[]; used_event: number };
  used: { flags: number; idx: number; ring: VringUsedElem[]; avail_event: number };
  /** Linux's private state: what the driver knows, including what it has not yet published. */
  driver: VringVirtqueueState & { free_list: number[] };
  /** QEMU's private state; null until the device has the queue. */
  device: VirtQueueState | null;
  chains: ChainView[];
  /** A kick waiting for the IOThread / an interrupt waiting for the guest. */
  doorbell: boolean;
  interrupt: boolean;
}

export interface MachineView {
  step: number;
  ended: RunEnd | null;
  /** The actor in the middle of playing out a function, if any. */
  busy: ActorId | null;
  actors: { id: ActorId; runnable: boolean }[];
  deviceStatus: number;
  deviceStatusNames: string[];
  errors: VirtioError[];
  counters: MachineCounters;
  queues: QueueView[];
  requests: RequestView[];
  regions: readonly Region[];
  memorySize: number;
  now: number;
}

/**
 * What a caller knows is unchanged since an earlier view of the same queue (see viewBuilder.ts): where the bytes
 * behind a descriptor, the avail ring's entries or a used element are the same as when `prev` was decoded, its
 * decoded value is taken from `prev` instead of being read again, and an entry whose every field is unchanged
 * keeps `prev`'s object. The result equals a fresh decode either way.
 */
export interface QueueReuse {
  prev: QueueView;
  /** The 16 bytes of descriptor `i` are as they were. */
  descSame(i: number): boolean;
  /** The whole descriptor table is as it was. */
  descAll: boolean;
  /** Every entry of avail.ring is as it was. */
  availRingSame: boolean;
  /** The 8 bytes of used.ring[slot] are as they were. */
  usedSame(slot: number): boolean;
  /** Every used element is as it was. */
  usedAll: boolean;
}

function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** One queue of the view: the ring decoded from memory (through SplitRing) and both sides' private state. */
export function describeQueue(
  m: Machine,
  q: number,
  reuse: QueueReuse | null = null,
  doorbells: readonly boolean[] = m.shownDoorbells,
  interrupts: readonly boolean[] = m.shownInterrupts,
): QueueView {
  const vq = m.driver.vqs[q]!;
  const ring = vq.ring;
  const size = ring.size;
  const prev = reuse && reuse.prev.size === size ? reuse.prev : null;
  // Mid-operation, Linux's state as of the steps played (the live one has run ahead to the operation's end).
  const shown = m.shownDriverQueue(q);
  const freeList = shown ? shown.free : freeListOf(vq);
  const free = new Set(freeList);
  const inFlight: { head: number; request: number }[] = [];
  if (shown) {
    for (const head in shown.heads) inFlight.push({ head: Number(head), request: shown.heads[head]! });
  } else {
    vq.desc_state.forEach((st, head) => {
      if (st.data !== null) inFlight.push({ head, request: st.data.id });
    });
  }
  // Nothing a descriptor row shows can differ from the last view when the table's bytes, the free list and the
  // chains' heads and requests are all as they were (the chain walk reads only those): keep the whole table.
  const tableAsBefore =
    prev !== null &&
    reuse!.descAll &&
    sameNumbers(freeList, prev.driver.free_list) &&
    inFlight.length === prev.chains.length &&
    inFlight.every((c, k) => c.head === prev.chains[k]!.head && c.request === prev.chains[k]!.request);
  // The fields read from memory: the previous view's where the bytes did not change.
  let raw: readonly VringDesc[];
  if (tableAsBefore) raw = prev.desc;
  else {
    const read = new Array<VringDesc>(size);
    for (let i = 0; i < size; i++) read[i] = prev && reuse!.descSame(i) ? prev.desc[i]! : ring.readDesc(i);
    raw = read;
  }
  const heads = tableAsBefore ? null : new Array<number | null>(size).fill(null);
  const requests = tableAsBefore ? null : new Array<number | null>(size).fill(null);
  const chains: ChainView[] = [];
  for (const { head, request } of inFlight) {
    const descs: number[] = [];
    let i = head;
    for (let n = 0; n < size; n++) {
      descs.push(i);
      const d = raw[i]!;
      if (heads && requests) {
        heads[i] = head;
        requests[i] = request;
      }
      if (!(d.flags & VRING_DESC_F_NEXT) || d.next >= size) break;
      i = d.next;
    }
    const h = raw[head]!;
    let indirect: IndirectView | null = null;
    if (h.flags & VRING_DESC_F_INDIRECT) {
      const addr = Number(h.addr);
      const count = Math.min(Math.floor(h.len / 16), VRING_RING_SAFE_MAX);
      const readable = h.addr <= BigInt(Number.MAX_SAFE_INTEGER) && m.mem.contains(addr, count * 16);
      const entries = readable ? Array.from({ length: count }, (_, k) => ring.readDesc(k, addr)) : [];
      indirect = { via: head, addr, entries, readable };
    }
    chains.push({ head, descs, indirect, request });
  }
  const desc: DescView[] = new Array<DescView>(size);
  let descAllPrev = prev !== null;
  for (let i = 0; i < size && !tableAsBefore; i++) {
    const d = raw[i]!;
    const old = prev?.desc[i];
    const isFree = free.has(i);
    if (old === d && old.free === isFree && old.head === heads![i] && old.request === requests![i]) {
      desc[i] = old;
      continue;
    }
    descAllPrev = false;
    desc[i] = {
      index: i,
      addr: d.addr,
      len: d.len,
      flags: d.flags,
      next: d.next,
      free: isFree,
      head: heads![i]!,
      request: requests![i]!,
    };
  }
  const availRing =
    prev && reuse!.availRingSame ? prev.avail.ring : Array.from({ length: size }, (_, k) => ring.availRing(k));
  let usedAllPrev = prev !== null;
  const usedRing: VringUsedElem[] = new Array<VringUsedElem>(size);
  for (let k = 0; k < size && !(prev && reuse!.usedAll); k++) {
    if (prev && reuse!.usedSame(k)) usedRing[k] = prev.used.ring[k]!;
    else {
      usedRing[k] = ring.usedElem(k);
      usedAllPrev = false;
    }
  }
  const devState = m.shownDeviceQueue(q);
  return {
    index: q,
    size,
    addrs: ring.addrs,
    eventIdx: hasFeature(m.features, VIRTIO_RING_F_EVENT_IDX),
    indirect: hasFeature(m.features, VIRTIO_RING_F_INDIRECT_DESC),
    desc: tableAsBefore || descAllPrev ? prev!.desc : desc,
    avail: {
      flags: ring.availFlags(),
      idx: ring.availIdx(),
      ring: availRing,
      used_event: ring.usedEvent(),
    },
    used: {
      flags: ring.usedFlags(),
      idx: ring.usedIdx(),
      ring: usedAllPrev ? prev!.used.ring : usedRing,
      avail_event: ring.availEvent(),
    },
    driver: { ...(shown ? shown.state : vq.state), free_list: [...free] },
    device: devState ? { ...devState, vring: { ...devState.vring } } : null,
    chains,
    doorbell: doorbells[q] ?? false,
    interrupt: interrupts[q] ?? false,
  };
}

/**
 * Decodes what the UI draws from guest memory (through the same SplitRing code the driver and device use) and
 * from the two sides' private state (while an operation is played out, as of its steps played: see
 * machine/privateState.ts). Pure: it reads, never writes. Memory is the truth: the rings shown are the
 * bytes in memory, even where they disagree with either side's private state. `reuse` may name, per queue, what
 * is known unchanged since an earlier view (viewBuilder.ts); the result is the same.
 */
export function describe(m: Machine, reuse: (q: number) => QueueReuse | null = () => null): MachineView {
  const runnable = new Set(m.runnable());
  const vdev = m.device.vdev;
  const doorbells = m.shownDoorbells;
  const interrupts = m.shownInterrupts;
  const queues = m.driver.vqs.map((_, q) => describeQueue(m, q, reuse(q), doorbells, interrupts));
  return {
    step: m.stepCount,
    ended: m.ended,
    busy: m.midOperation,
    actors: m.actors.map((id) => ({ id, runnable: runnable.has(id) })),
    deviceStatus: vdev.status,
    deviceStatusNames: statusNames(vdev.status),
    errors: m.shownErrors,
    counters: m.shownCounters,
    queues,
    requests: m.requestViews(),
    // A copy: the map's own array changes in place as the driver allocates, and a view must stay as it was.
    regions: m.shownRegions,
    memorySize: m.mem.size,
    now: m.device.now,
  };
}
