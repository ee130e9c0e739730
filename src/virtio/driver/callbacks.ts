import { VRING_AVAIL_F_NO_INTERRUPT } from '../constants';
import { traced } from '../trace';
import { u16Add, u16Sub } from '../types';
import { more_used_split } from './getBuf';
import type { SplitVirtqueue } from './types';

/**
 * Linux: virtqueue_disable_cb() / virtqueue_disable_cb_split(), in the 6.x form (the event_triggered test sits
 * after the shadow flag is set, so a later enable still writes the ring).
 *
 * With EVENT_IDX the device never reads avail.flags, so Linux parks `used_event` at 0 instead ("a hack", its
 * comment says): an interrupt then only comes if used.idx happens to cross 0. After an interrupt with EVENT_IDX
 * (event_triggered) the device will not interrupt again until we move used_event, so nothing is written.
 */
export function virtqueue_disable_cb_split<T>(vq: SplitVirtqueue<T>): void {
  traced(vq.tracer, 'virtqueue_disable_cb', () =>
    traced(vq.tracer, 'virtqueue_disable_cb_split', () => {
      const { state, ring } = vq;
      if (state.avail_flags_shadow & VRING_AVAIL_F_NO_INTERRUPT) return;
      state.avail_flags_shadow |= VRING_AVAIL_F_NO_INTERRUPT;
      if (state.event_triggered) return;
      if (state.event) ring.setUsedEvent(0);
      else ring.setAvailFlags(state.avail_flags_shadow);
    }),
  );
}

/** Clears NO_INTERRUPT in the shadow, and in avail.flags when the device reads it (no EVENT_IDX). */
function clearNoInterrupt<T>(vq: SplitVirtqueue<T>): void {
  const { state } = vq;
  if (!(state.avail_flags_shadow & VRING_AVAIL_F_NO_INTERRUPT)) return;
  state.avail_flags_shadow &= ~VRING_AVAIL_F_NO_INTERRUPT;
  if (!state.event) vq.ring.setAvailFlags(state.avail_flags_shadow);
}

/**
 * Linux: virtqueue_enable_cb_prepare() / _split(). Turns interrupts back on (both ways: flag and used_event)
 * and returns the position to hand to virtqueue_poll.
 */
export function virtqueue_enable_cb_prepare_split<T>(vq: SplitVirtqueue<T>): number {
  return traced(vq.tracer, 'virtqueue_enable_cb_prepare', () => {
    vq.state.event_triggered = false;
    return traced(vq.tracer, 'virtqueue_enable_cb_prepare_split', () => {
      clearNoInterrupt(vq);
      const last = vq.state.last_used_idx;
      vq.ring.setUsedEvent(last);
      return last;
    });
  });
}

/**
 * Linux: virtqueue_poll() / _split(). True when the device used more buffers since `lastUsedIdx`. The full
 * barrier orders our used_event/flags store before the used.idx load: without it, the device could miss our
 * request while we miss its new entry, and both would wait.
 */
export function virtqueue_poll_split<T>(vq: SplitVirtqueue<T>, lastUsedIdx: number): boolean {
  return traced(vq.tracer, 'virtqueue_poll', () => {
    if (vq.state.broken) return false;
    vq.tracer.barrier('virtio_mb');
    return traced(vq.tracer, 'virtqueue_poll_split', () => (lastUsedIdx & 0xffff) !== vq.ring.usedIdx());
  });
}

/** Linux: virtqueue_enable_cb(). True means "nothing arrived meanwhile, safe to sleep". */
export function virtqueue_enable_cb_split<T>(vq: SplitVirtqueue<T>): boolean {
  return traced(vq.tracer, 'virtqueue_enable_cb', () => {
    const last = virtqueue_enable_cb_prepare_split(vq);
    return !virtqueue_poll_split(vq, last);
  });
}

/**
 * Linux: virtqueue_enable_cb_delayed() / _split(). Like enable_cb, but asks to be interrupted only once about
 * three quarters of the outstanding buffers are used. False when more than that are already used.
 */
export function virtqueue_enable_cb_delayed_split<T>(vq: SplitVirtqueue<T>): boolean {
  return traced(vq.tracer, 'virtqueue_enable_cb_delayed', () => {
    vq.state.event_triggered = false;
    return traced(vq.tracer, 'virtqueue_enable_cb_delayed_split', () => {
      const { state, ring } = vq;
      clearNoInterrupt(vq);
      const bufs = Math.floor((u16Sub(state.avail_idx_shadow, state.last_used_idx) * 3) / 4);
      ring.setUsedEvent(u16Add(state.last_used_idx, bufs));
      vq.tracer.barrier('virtio_store_mb');
      return u16Sub(ring.usedIdx(), state.last_used_idx) <= bufs;
    });
  });
}

/**
 * Linux: vring_interrupt(). 'IRQ_NONE' when there is no work (a spurious or shared interrupt). A broken queue
 * swallows the interrupt without running the callback.
 */
export function vring_interrupt<T>(vq: SplitVirtqueue<T>, callback: (() => void) | null): 'IRQ_NONE' | 'IRQ_HANDLED' {
  return traced(vq.tracer, 'vring_interrupt', () => {
    if (!more_used_split(vq)) return 'IRQ_NONE';
    if (vq.state.broken) return 'IRQ_HANDLED';
    if (vq.state.event) vq.state.event_triggered = true;
    callback?.();
    return 'IRQ_HANDLED';
  });
}
