import { AllocationError } from '../allocationMap';
import { DESC_SIZE, VRING_DESC_F_INDIRECT, VRING_DESC_F_NEXT, VRING_DESC_F_WRITE } from '../constants';
import { traced } from '../trace';
import { descIndex, guestAddr, u16Add, type GuestAddr } from '../types';
import { virtqueue_kick } from './kick';
import type { AddResult, Sg, SplitVirtqueue } from './types';

const MAX_DESC_LEN = 0xffffffff;

type AddFailure = Extract<AddResult<unknown>, { ok: false }>;
const fail = (errno: AddFailure['errno'], message: string): AddFailure => ({ ok: false, errno, message });

/** Where Linux would BUG_ON (or the hardware could not express the buffer), we refuse with EINVAL instead. */
function checkSgs(out: readonly Sg[], in_: readonly Sg[]): string | null {
  if (out.length + in_.length === 0) return 'virtqueue_add: no buffers (total_sg == 0)';
  return checkSgList('out', out) ?? checkSgList('in', in_);
}

function checkSgList(name: string, list: readonly Sg[]): string | null {
  for (let k = 0; k < list.length; k++) {
    const { addr, len } = list[k]!;
    if (!Number.isSafeInteger(addr) || addr < 0) {
      return `virtqueue_add: ${name}[${k}] has address ${String(addr)}, not a guest-physical address`;
    }
    if (!Number.isInteger(len) || len <= 0 || len > MAX_DESC_LEN) {
      return len === 0
        ? `virtqueue_add: ${name}[${k}] is zero-length (a device rejects zero-sized buffers)`
        : `virtqueue_add: ${name}[${k}] has length ${String(len)}, outside 1..${MAX_DESC_LEN}`;
    }
  }
  return null;
}

/** Linux: virtqueue_use_indirect(). */
function virtqueue_use_indirect<T>(vq: SplitVirtqueue<T>, total_sg: number): boolean {
  return vq.state.indirect && total_sg > 1 && vq.state.num_free > 0;
}

/**
 * Linux: alloc_indirect_split(). Allocates a `total_sg`-entry table and links entry i to i+1 up front.
 * Null where kmalloc would fail (no allocator, no room, or a map bigger than guest memory); the caller then
 * falls back to a direct chain, as Linux does.
 */
function alloc_indirect_split<T>(vq: SplitVirtqueue<T>, total_sg: number, data: T): GuestAddr | null {
  return traced(vq.tracer, 'alloc_indirect_split', () => {
    const allocator = vq.allocator;
    if (allocator === null) return null;
    const bytes = total_sg * DESC_SIZE;
    let start: number;
    try {
      const owner = vq.tokenOwner?.(data);
      start = allocator.allocate(
        bytes,
        DESC_SIZE,
        'indirect-table',
        `vq${vq.queueIndex} indirect table`,
        owner === undefined ? { queue: vq.queueIndex } : { queue: vq.queueIndex, owner },
      ).start;
    } catch (e) {
      if (e instanceof AllocationError) return null;
      throw e;
    }
    if (!vq.mem.contains(start, bytes)) {
      allocator.free(start);
      return null;
    }
    for (let i = 0; i < total_sg; i++) vq.ring.writeDescNext(i, i + 1, start);
    return guestAddr(start);
  });
}

/**
 * Linux: virtqueue_add_desc_split(). Writes one descriptor (flags, addr, len, in that order) and returns the index
 * of the next one: from the free list for the ring's own table, or i+1 inside an indirect table.
 */
function virtqueue_add_desc_split<T>(
  vq: SplitVirtqueue<T>,
  table: number,
  i: number,
  addr: number,
  len: number,
  flags: number,
  indirect: boolean,
): number {
  // A plain enter/leave pair: a guest-memory fault can only end the whole add (see Tracer).
  vq.tracer.enter('virtqueue_add_desc_split');
  const extra = vq.desc_extra;
  let next: number;
  if (indirect) {
    vq.ring.writeDescSplit(i, table, flags, addr, len, -1);
    next = i + 1;
  } else {
    next = extra.next[i]!;
    vq.ring.writeDescSplit(i, table, flags, addr, len, next);
    extra.addr[i] = addr;
    extra.len[i] = len;
    extra.flags[i] = flags;
  }
  vq.tracer.leave('virtqueue_add_desc_split');
  return next;
}

/** Linux: virtqueue_add_split(), reached through virtqueue_add(). */
export function virtqueue_add_split<T>(
  vq: SplitVirtqueue<T>,
  out: readonly Sg[],
  in_: readonly Sg[],
  data: T,
): AddResult<T> {
  // Plain enter/leave pairs: a guest-memory fault can only end the whole add (see Tracer).
  const tracer = vq.tracer;
  tracer.enter('virtqueue_add');
  tracer.enter('virtqueue_add_split');
  const result = add_split(vq, out, in_, data);
  tracer.leave('virtqueue_add_split');
  tracer.leave('virtqueue_add');
  return result;
}

/** The body of virtqueue_add_split(), inside its trace frames. */
function add_split<T>(vq: SplitVirtqueue<T>, out: readonly Sg[], in_: readonly Sg[], data: T): AddResult<T> {
  const { state, ring } = vq;
  if (data === null || data === undefined) return fail('EINVAL', 'virtqueue_add: the token (data) must not be null');
  if (state.broken) return fail('EIO', 'virtqueue_add: the virtqueue is broken');
  const bad = checkSgs(out, in_);
  if (bad !== null) return fail('EINVAL', bad);

  const total_sg = out.length + in_.length;
  const out_sgs = out.length > 0 ? 1 : 0;
  const head = state.free_head;

  const indirTable = virtqueue_use_indirect(vq, total_sg) ? alloc_indirect_split(vq, total_sg, data) : null;
  const indirect = indirTable !== null;
  const table = indirect ? indirTable : ring.addrs.desc;
  let i = indirect ? 0 : head;
  const descs_used = indirect ? 1 : total_sg;

  if (state.num_free < descs_used) {
    // Linux forces a notify here when the request has out parts, "for historical reasons": it calls
    // vq->notify directly, so its result is ignored and the queue is not marked broken.
    if (out_sgs) vq.notify(vq.queueIndex);
    if (indirect) vq.allocator?.free(indirTable);
    return fail('ENOSPC', `Can't add buf len ${descs_used} - avail = ${state.num_free}`);
  }

  let prev = i;
  let prevFlags = 0;
  for (let k = 0; k < out.length; k++) {
    const sg = out[k]!;
    prev = i;
    prevFlags = VRING_DESC_F_NEXT;
    i = virtqueue_add_desc_split(vq, table, i, sg.addr, sg.len, prevFlags, indirect);
  }
  for (let k = 0; k < in_.length; k++) {
    const sg = in_[k]!;
    prev = i;
    prevFlags = VRING_DESC_F_NEXT | VRING_DESC_F_WRITE;
    i = virtqueue_add_desc_split(vq, table, i, sg.addr, sg.len, prevFlags, indirect);
  }
  // Last one doesn't continue. Linux clears the private copy only when it uses the DMA API; we always do,
  // because detach walks the private copy.
  ring.writeDescFlags(prev, prevFlags & ~VRING_DESC_F_NEXT, table);
  if (!indirect) vq.desc_extra.flags[prev] = prevFlags & ~VRING_DESC_F_NEXT;

  if (indirect) {
    virtqueue_add_desc_split(vq, ring.addrs.desc, head, indirTable, total_sg * DESC_SIZE, VRING_DESC_F_INDIRECT, false);
  }

  state.num_free -= descs_used;
  state.free_head = indirect ? vq.desc_extra.next[head]! : i;

  const headState = vq.desc_state[head]!;
  headState.data = data;
  headState.indir_desc = indirTable;

  ring.setAvailRing(state.avail_idx_shadow & (state.num - 1), head);
  // Descriptors and the ring entry must be visible before the device can see the new avail.idx.
  vq.tracer.barrier('virtio_wmb');
  state.avail_idx_shadow = u16Add(state.avail_idx_shadow, 1);
  const publish = vq.faultHooks?.publishAvailIdx;
  ring.setAvailIdx(publish ? publish(state.avail_idx_shadow, data) : state.avail_idx_shadow);
  state.num_added++;

  // kick_prepare compares 16-bit indices: at 65536 unannounced entries old would equal new and no kick would
  // ever be sent, so Linux kicks one short of that.
  if (state.num_added === 0xffff) virtqueue_kick(vq);

  return { ok: true, head: descIndex(head), data };
}
