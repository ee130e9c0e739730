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
 * Decodes what the UI draws from guest memory (through the same SplitRing code the driver and device use) and
 * from the two sides' private state. Pure: it reads, never writes. Memory is the truth: the rings shown are the
 * bytes in memory, even where they disagree with either side's private state.
 */
export function describe(m: Machine): MachineView {
  const runnable = new Set(m.runnable());
  const vdev = m.device.vdev;
  const queues = m.driver.vqs.map((vq, q): QueueView => {
    const ring = vq.ring;
    const size = ring.size;
    const free = new Set(freeListOf(vq));
    const desc: DescView[] = [];
    for (let i = 0; i < size; i++)
      desc.push({ index: i, ...ring.readDesc(i), free: free.has(i), head: null, request: null });
    const chains: ChainView[] = [];
    vq.desc_state.forEach((st, head) => {
      if (st.data === null) return;
      const request = st.data.id;
      const descs: number[] = [];
      let i = head;
      for (let n = 0; n < size; n++) {
        descs.push(i);
        const d = desc[i]!;
        d.head = head;
        d.request = request;
        if (!(d.flags & VRING_DESC_F_NEXT) || d.next >= size) break;
        i = d.next;
      }
      const h = desc[head]!;
      let indirect: IndirectView | null = null;
      if (h.flags & VRING_DESC_F_INDIRECT) {
        const addr = Number(h.addr);
        const count = Math.min(Math.floor(h.len / 16), VRING_RING_SAFE_MAX);
        const readable = h.addr <= BigInt(Number.MAX_SAFE_INTEGER) && m.mem.contains(addr, count * 16);
        const entries = readable ? Array.from({ length: count }, (_, k) => ring.readDesc(k, addr)) : [];
        indirect = { via: head, addr, entries, readable };
      }
      chains.push({ head, descs, indirect, request });
    });
    const devq = vdev.vq[q]?.queue ?? null;
    return {
      index: q,
      size,
      addrs: ring.addrs,
      eventIdx: hasFeature(m.features, VIRTIO_RING_F_EVENT_IDX),
      indirect: hasFeature(m.features, VIRTIO_RING_F_INDIRECT_DESC),
      desc,
      avail: {
        flags: ring.availFlags(),
        idx: ring.availIdx(),
        ring: Array.from({ length: size }, (_, k) => ring.availRing(k)),
        used_event: ring.usedEvent(),
      },
      used: {
        flags: ring.usedFlags(),
        idx: ring.usedIdx(),
        ring: Array.from({ length: size }, (_, k) => ring.usedElem(k)),
        avail_event: ring.availEvent(),
      },
      driver: { ...vq.state, free_list: [...free] },
      device: devq ? { ...devq.state, vring: { ...devq.state.vring } } : null,
      chains,
      doorbell: m.doorbells[q] ?? false,
      interrupt: m.pendingInterrupts[q] ?? false,
    };
  });
  return {
    step: m.stepCount,
    ended: m.ended,
    busy: m.midOperation,
    actors: m.actors.map((id) => ({ id, runnable: runnable.has(id) })),
    deviceStatus: vdev.status,
    deviceStatusNames: statusNames(vdev.status),
    errors: [...vdev.errors, ...(m.driver.lastError ? [m.driver.lastError] : [])],
    counters: { ...m.counters },
    queues,
    requests: m.requestViews(),
    regions: m.alloc.all(),
    memorySize: m.mem.size,
    now: m.device.now,
  };
}
