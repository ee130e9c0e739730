import { VRING_AVAIL_F_NO_INTERRUPT } from '../constants';
import { virtioError, type VirtioErrorKind } from '../errors';
import { traced } from '../trace';
import { u16Add, u16Sub } from '../types';
import { detach_buf_split } from './freeList';
import type { SplitVirtqueue } from './types';

/** Linux: more_used_split(). */
export function more_used_split<T>(vq: SplitVirtqueue<T>): boolean {
  return vq.state.last_used_idx !== vq.ring.usedIdx();
}

/**
 * Linux: BAD_RING(). The device broke the contract: log it, mark the queue broken, and stop trusting the ring.
 * (A DEBUG kernel BUG()s instead.)
 */
function BAD_RING<T>(vq: SplitVirtqueue<T>, kind: VirtioErrorKind, message: string, id: number): void {
  vq.state.broken = true;
  vq.lastError = virtioError(kind, {
    side: 'driver',
    message,
    spec: '2.7.8',
    where: 'virtqueue_get_buf_ctx_split',
    detail: { id, num: vq.state.num, last_used_idx: vq.state.last_used_idx },
  });
}

/**
 * Linux: virtqueue_get_buf_ctx_split(). Takes the next used element, checks that its id names a chain we gave
 * the device, frees the chain, and (while callbacks are on) tells the device which entry to interrupt for next.
 */
export function virtqueue_get_buf_ctx_split<T>(vq: SplitVirtqueue<T>): { data: T; len: number } | null {
  // Hot path: a plain enter/leave pair, as traced() would cost a closure per call (see Tracer).
  vq.tracer.enter('virtqueue_get_buf_ctx_split');
  const result = getBufSplit(vq);
  vq.tracer.leave('virtqueue_get_buf_ctx_split');
  return result;
}

function getBufSplit<T>(vq: SplitVirtqueue<T>): { data: T; len: number } | null {
  const { state, ring } = vq;
  if (state.broken) return null;
  if (!more_used_split(vq)) return null;

  // The element must be read only after used.idx said it is there.
  vq.tracer.barrier('virtio_rmb');
  const slot = state.last_used_idx & (state.num - 1);
  const id = ring.usedElemId(slot);
  const len = ring.usedElemLen(slot);
  if (id >= state.num) {
    BAD_RING(vq, 'used-id-out-of-range', `id ${id} out of range`, id);
    return null;
  }
  const data = vq.desc_state[id]!.data;
  if (data === null) {
    BAD_RING(vq, 'used-id-not-head', `id ${id} is not a head!`, id);
    return null;
  }

  detach_buf_split(vq, id);
  state.last_used_idx = u16Add(state.last_used_idx, 1);
  // Ask for an interrupt at the next entry, and make the store visible before the next used.idx read.
  // Linux does this whether or not EVENT_IDX was negotiated; without it the device just ignores used_event.
  if (!(state.avail_flags_shadow & VRING_AVAIL_F_NO_INTERRUPT)) {
    ring.setUsedEvent(state.last_used_idx);
    vq.tracer.barrier('virtio_store_mb');
  }
  return { data, len };
}

/**
 * Linux: virtqueue_detach_unused_buf_split(). For shutdown: hands back one buffer the device never used, taking
 * its entry back out of the avail ring. Null once every descriptor is free.
 */
export function virtqueue_detach_unused_buf_split<T>(vq: SplitVirtqueue<T>): T | null {
  return traced(vq.tracer, 'virtqueue_detach_unused_buf_split', () => {
    const { state } = vq;
    for (let i = 0; i < state.num; i++) {
      const data = vq.desc_state[i]!.data;
      if (data === null) continue;
      detach_buf_split(vq, i);
      state.avail_idx_shadow = u16Sub(state.avail_idx_shadow, 1);
      vq.ring.setAvailIdx(state.avail_idx_shadow);
      return data;
    }
    return null;
  });
}
