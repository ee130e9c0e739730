import { VRING_USED_F_NO_NOTIFY } from '../constants';
import { vring_need_event } from '../needEvent';
import { traced } from '../trace';
import { u16Sub } from '../types';
import type { SplitVirtqueue } from './types';

/**
 * Linux: virtqueue_kick_prepare_split(). Decides whether the device must be told about the entries added since
 * the last decision: with EVENT_IDX, whether they crossed the device's `avail_event`; without, whether the device
 * left NO_NOTIFY clear.
 */
export function virtqueue_kick_prepare_split<T>(vq: SplitVirtqueue<T>): boolean {
  // Hot path (once per batch): plain enter/leave pairs, as traced() would cost a closure per call (see Tracer).
  const tracer = vq.tracer;
  tracer.enter('virtqueue_kick_prepare');
  tracer.enter('virtqueue_kick_prepare_split');
  const { state, ring } = vq;
  // The new avail.idx must be visible before we read the device's suppression state, or a device that is
  // just going to sleep could miss it.
  tracer.barrier('virtio_mb');
  const newIdx = state.avail_idx_shadow;
  const oldIdx = u16Sub(newIdx, state.num_added);
  state.num_added = 0;
  const kick = state.event
    ? vring_need_event(ring.availEvent(), newIdx, oldIdx)
    : (ring.usedFlags() & VRING_USED_F_NO_NOTIFY) === 0;
  tracer.leave('virtqueue_kick_prepare_split');
  tracer.leave('virtqueue_kick_prepare');
  return kick;
}

/** Linux: virtqueue_notify(). A failed notify breaks the queue for good. */
export function virtqueue_notify<T>(vq: SplitVirtqueue<T>): boolean {
  return traced(vq.tracer, 'virtqueue_notify', () => {
    if (vq.state.broken) return false;
    if (!vq.notify(vq.queueIndex)) {
      vq.state.broken = true;
      return false;
    }
    return true;
  });
}

/** Linux: virtqueue_kick(). False only when a needed notify failed. */
export function virtqueue_kick<T>(vq: SplitVirtqueue<T>): boolean {
  return traced(vq.tracer, 'virtqueue_kick', () => {
    if (virtqueue_kick_prepare_split(vq)) return virtqueue_notify(vq);
    return true;
  });
}
