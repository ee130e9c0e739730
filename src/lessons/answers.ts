import type { MachineView, QueueView } from '../engine/view';
import { VIRTIO_CONFIG_S_NEEDS_RESET } from '../virtio/constants';
import { u16Sub } from '../virtio/types';

/** Who noticed a misbehaviour: the choice values of the "who detects it?" questions. */
export const DETECTOR = { device: 0, driver: 1, nobody: 2 } as const;

class AnswerError extends Error {}

function queueOf(view: MachineView, q: number): QueueView {
  const queue = view.queues[q];
  if (!queue) throw new AnswerError(`the run has no vq${q}`);
  return queue;
}

/** The newest chain in flight on the queue (the request submitted last). */
function newestChain(queue: QueueView) {
  const chains = queue.chains.filter((c) => c.request !== null);
  if (chains.length === 0) throw new AnswerError(`vq${queue.index} has no chain in flight`);
  return chains.reduce((a, b) => ((b.request ?? 0) > (a.request ?? 0) ? b : a));
}

const slotOf = (idx: number, size: number): number => idx & (size - 1);

/**
 * The right answer of every question, computed from the state the stop reveals: each is a pure function of the
 * MachineView and the queue the question is about, so an answer follows the simulation rather than a text.
 */
export const ANSWERS = {
  /** The avail slot virtqueue_pop just read: the one before the device's last_avail_idx. */
  slotDeviceRead: (view: MachineView, q: number): number => {
    const queue = queueOf(view, q);
    if (!queue.device) throw new AnswerError('the device has not set up the queue');
    return slotOf(u16Sub(queue.device.last_avail_idx, 1), queue.size);
  },
  /** The avail slot of the entry the driver published last: avail.idx − 1, mod the queue size. */
  slotLastPublished: (view: MachineView, q: number): number => {
    const queue = queueOf(view, q);
    return slotOf(u16Sub(queue.avail.idx, 1), queue.size);
  },
  availIdx: (view: MachineView, q: number): number => queueOf(view, q).avail.idx,
  usedIdx: (view: MachineView, q: number): number => queueOf(view, q).used.idx,
  /** used.len of the used element published last. */
  lastUsedLen: (view: MachineView, q: number): number => {
    const queue = queueOf(view, q);
    return queue.used.ring[slotOf(u16Sub(queue.used.idx, 1), queue.size)]!.len;
  },
  /** How many ring descriptors the newest chain takes. */
  newestChainLength: (view: MachineView, q: number): number => newestChain(queueOf(view, q)).descs.length,
  /** How many descriptors the newest chain's indirect table holds (0 without one). */
  newestIndirectEntries: (view: MachineView, q: number): number =>
    newestChain(queueOf(view, q)).indirect?.entries.length ?? 0,
  /** The descriptor after the header in the newest chain: the one that holds the data. */
  newestDataDesc: (view: MachineView, q: number): number => {
    const chain = newestChain(queueOf(view, q));
    const data = chain.descs[1];
    if (data === undefined) throw new AnswerError('the newest chain has no data descriptor');
    return data;
  },
  numFree: (view: MachineView, q: number): number => queueOf(view, q).driver.num_free,
  freeHead: (view: MachineView, q: number): number => queueOf(view, q).driver.free_head,
  /** Entries published that the device has not popped: (u16)(avail.idx − last_avail_idx). */
  pendingAvail: (view: MachineView, q: number): number => {
    const queue = queueOf(view, q);
    return u16Sub(queue.avail.idx, queue.device?.last_avail_idx ?? 0);
  },
  /** Published entries the driver has not collected back: (u16)(avail.idx − last_used_idx); the queue size when full. */
  inFlight: (view: MachineView, q: number): number => {
    const queue = queueOf(view, q);
    return u16Sub(queue.avail.idx, queue.driver.last_used_idx);
  },
  kicks: (view: MachineView): number => view.counters.kicks,
  interrupts: (view: MachineView): number => view.counters.interrupts,
  completed: (view: MachineView): number => view.counters.completed,
  /** The request that completed most recently (finished requests are listed oldest first). */
  lastCompletedRequest: (view: MachineView): number => {
    const done = view.requests.filter((r) => r.stage === 'completed');
    const last = done[done.length - 1];
    if (!last) throw new AnswerError('no request has completed');
    return last.id;
  },
  /** The IOThread serving queue q: IOThread q mod the number of IOThreads (QEMU's iothread-vq-mapping). */
  iothreadOfQueue: (view: MachineView, q: number): number => {
    const iothreads = view.actors.filter((a) => a.id.startsWith('iothread')).length;
    if (iothreads === 0) throw new AnswerError('the run has no IOThread');
    return q % iothreads;
  },
  /** Who noticed the misbehaviour: the device (virtio_error, NEEDS_RESET), the driver (BAD_RING), or nobody. */
  detector: (view: MachineView): number => {
    if (view.deviceStatus & VIRTIO_CONFIG_S_NEEDS_RESET || view.errors.some((e) => e.side === 'device'))
      return DETECTOR.device;
    if (view.errors.some((e) => e.side === 'driver') || view.ended === 'driver-error') return DETECTOR.driver;
    return DETECTOR.nobody;
  },
} satisfies Record<string, (view: MachineView, q: number) => number>;

export type AnswerName = keyof typeof ANSWERS;

export function answerOf(name: AnswerName, view: MachineView, q = 0): number {
  return ANSWERS[name](view, q);
}
