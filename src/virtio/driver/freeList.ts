import { VRING_DESC_F_NEXT } from '../constants';
import type { SplitVirtqueue, VringDescExtra, VringDescStateSplit } from './types';

/**
 * Linux: vring_alloc_desc_extra(). Every descriptor starts free, linked 0 -> 1 -> ... -> num-1.
 * The last link is 0, as in Linux's zeroed array; it is never followed because num_free reaches 0 first.
 */
export function vring_alloc_desc_extra(num: number): VringDescExtra {
  const extra: VringDescExtra = {
    addr: new Float64Array(num),
    len: new Uint32Array(num),
    flags: new Uint16Array(num),
    next: new Uint16Array(num),
  };
  for (let i = 0; i < num - 1; i++) extra.next[i] = i + 1;
  return extra;
}

/** The free list's indices in order, from free_head, `num_free` long. For the UI and for tests. */
export function freeListOf(vq: {
  state: Pick<SplitVirtqueue<unknown>['state'], 'free_head' | 'num_free'>;
  desc_extra: Pick<VringDescExtra, 'next'>;
}): number[] {
  const out: number[] = [];
  let i = vq.state.free_head;
  for (let n = 0; n < vq.state.num_free; n++) {
    out.push(i);
    i = vq.desc_extra.next[i]!;
  }
  return out;
}

/**
 * Linux: detach_buf_split(). Returns a finished chain to the front of the free list and frees its indirect table.
 *
 * Linux tests NEXT in the shared descriptor table (`vring.desc[i].flags`); we test the driver's private copy in
 * desc_extra, which add keeps exact. A device scribbling on the descriptor table therefore cannot walk us into the
 * free list. The walk is also bounded by `num`, so even a corrupted desc_extra cannot loop forever.
 */
export function detach_buf_split<T>(vq: SplitVirtqueue<T>, head: number): void {
  // Hot path (once per reclaimed buffer): a plain enter/leave pair, as traced() would cost a closure per call. The
  // one throw below is our own invariant failing, which ends the whole operation (see Tracer).
  vq.tracer.enter('detach_buf_split');
  const { state, desc_extra: extra } = vq;
  const headState = vq.desc_state[head]!;
  const token = headState.data;
  headState.data = null;
  // An injected bug: the chain never goes back on the free list, so its descriptors are lost to the driver.
  if (vq.faultHooks?.leakChain?.(head, token)) {
    freeIndirect(vq, headState);
    vq.tracer.leave('detach_buf_split');
    return;
  }

  let i = head;
  let hops = 0;
  while (extra.flags[i]! & VRING_DESC_F_NEXT) {
    if (++hops >= state.num) {
      throw new Error(`detach_buf_split: the chain at head ${head} is longer than the ring (${state.num})`);
    }
    i = extra.next[i]!;
    state.num_free++;
  }
  extra.next[i] = state.free_head;
  state.free_head = head;
  state.num_free++;
  freeIndirect(vq, headState);
  vq.tracer.leave('detach_buf_split');
}

/** Frees the head's indirect table, if it has one. */
function freeIndirect<T>(vq: SplitVirtqueue<T>, headState: VringDescStateSplit<T>): void {
  const table = headState.indir_desc;
  if (table !== null) {
    vq.allocator?.free(table);
    headState.indir_desc = null;
  }
}
