import { DESC_SIZE, VRING_DESC_F_INDIRECT, VRING_DESC_F_NEXT, VRING_DESC_F_WRITE } from '../constants';
import type { VirtioError } from '../errors';
import type { GuestMemory } from '../guestMemory';
import type { SplitRing, WalkDescFields } from '../splitRing';
import type { Tracer } from '../trace';
import { descIndex, err, ok, type DescIndex, type Result } from '../types';
import type { IndirectTableRef, IoVec, VirtQueueElement } from './virtQueueElement';
import {
  bogusDescriptor,
  cannotMapIndirect,
  chainTooManyBytes,
  descNextOutOfRange,
  incorrectOrder,
  indirectBadSize,
  indirectNested,
  indirectNotNegotiated,
  indirectWithNext,
  loopedDescriptor,
  tooManySegments,
  zeroSizedBuffer,
} from './virtQueueErrors';

/** What walking a chain needs to know about its queue. */
export interface ChainWalkContext {
  ring: SplitRing;
  mem: GuestMemory;
  tracer: Tracer;
  /** Queue size: the bound on `next` and on a chain's length in the ring's own table. */
  num: number;
  /** VIRTIO_RING_F_INDIRECT_DESC was negotiated. */
  indirectNegotiated: boolean;
  /** QEMU's VIRTQUEUE_MAX_SIZE: the most segments one element may have. */
  maxIovecs: number;
  /** Reject what only the spec forbids, and follow an indirect descriptor that ends a normal chain. */
  specChecks: boolean;
  /** The ring's own descriptor table: `{ addr: desc, max: num, indirect: false }`, made once per queue. */
  ringTable: Table;
}

export type WalkedChain = Omit<VirtQueueElement, 'index' | 'ndescs'>;

const TWO_POW_32 = 2 ** 32;

/** The table the walk is in: the ring's descriptor table or one indirect table. */
export interface Table {
  addr: number;
  /** QEMU's `max`: entries in this table, so the bound on `next` and on the chain length. */
  max: number;
  indirect: boolean;
}

/**
 * Walks the chain that starts at `head` (already checked to be < num) and maps its buffers, as the descriptor loop
 * of QEMU's virtqueue_split_pop() does. Every step is bounded: at most `max` descriptors per table, at most one
 * indirect table, at most `maxIovecs` segments. All guest memory it reads has been checked to lie inside it.
 * Returns the popped element (one avail entry: `ndescs` 1).
 */
export function walkSplitChain(ctx: ChainWalkContext, head: number): Result<VirtQueueElement, VirtioError> {
  const w = new ChainWalk(ctx, head);
  const { out_sg, in_sg } = w;
  // The walker is also the record of the descriptor it is on.
  const desc: WalkDescFields = w;

  if (desc.flags & VRING_DESC_F_INDIRECT) {
    const failed = w.enterIndirect();
    if (failed) return err(failed);
  }

  let total = 0;
  let entries = 0;
  for (;;) {
    const i = w.i;
    if (desc.flags & VRING_DESC_F_INDIRECT && ctx.specChecks) {
      if (w.table.indirect) return err(indirectNested(i, w.table.addr));
      // Spec §2.7.5.3.2: a device must accept normal descriptors followed by one indirect one. QEMU does not: it
      // maps the table itself as a data buffer (what specChecks: false reproduces).
      const failed = w.enterIndirect();
      if (failed) return err(failed);
      entries = 0;
      continue;
    }

    let mapped: VirtioError | null;
    if (desc.flags & VRING_DESC_F_WRITE) {
      mapped = mapDesc(ctx, in_sg, out_sg.length, i, desc);
    } else {
      if (in_sg.length > 0) return err(incorrectOrder(i));
      mapped = mapDesc(ctx, out_sg, in_sg.length, i, desc);
    }
    if (mapped) return err(mapped);
    total += desc.len;
    if (ctx.specChecks && total > TWO_POW_32) return err(chainTooManyBytes(total));

    // More entries than the table holds can only mean a loop.
    if (++entries > w.table.max) return err(loopedDescriptor(entries, w.table.max));

    const failed = w.readNextDesc();
    if (failed) return err(failed);
    if (w.ended) break;
  }

  // The element itself (QEMU's virtqueue_alloc_element), built field by field: no spread, no intermediate object.
  // `indirectTable` is present only when there was one, after the other keys, as element JSON has always had it.
  const elem: VirtQueueElement = {
    index: descIndex(head),
    ndescs: 1,
    out_sg,
    in_sg,
    indirect: w.indirectTable !== undefined,
    descs: w.descs,
  };
  if (w.indirectTable) elem.indirectTable = w.indirectTable;
  return ok(elem);
}

/**
 * One walk in progress: where it is (`table`, `i`, and the fields of descriptor `i`) and what it has collected. A
 * class rather than closures over locals, so a pop allocates one walker instead of a closure per helper. The
 * descriptor fields are overwritten at each step (what the walk keeps of a descriptor goes into the segments).
 */
class ChainWalk implements WalkDescFields {
  readonly out_sg: IoVec[] = [];
  readonly in_sg: IoVec[] = [];
  readonly descs: DescIndex[];
  indirectTable: IndirectTableRef | undefined = undefined;
  table: Table;
  i: number;
  addr: number | bigint = 0;
  len = 0;
  flags = 0;
  next = 0;
  /** Set once the current descriptor turned out to have no NEXT. */
  ended = false;

  constructor(
    readonly ctx: ChainWalkContext,
    head: number,
  ) {
    this.table = ctx.ringTable;
    this.i = head;
    ctx.ring.readDescInto(head, ctx.ringTable.addr, this);
    // A one-element literal: most chains are short, and an array grown from [] by push reserves room for 17.
    this.descs = [descIndex(head)];
  }

  /** Reads descriptor `i` of the current table and records it. */
  read(i: number): void {
    this.ctx.ring.readDescInto(i, this.table.addr, this);
    this.descs.push(descIndex(i));
  }

  /** Follows the descriptor at `i` into its indirect table (QEMU: only ever the head's). */
  enterIndirect(): VirtioError | null {
    const i = this.i;
    const entered = checkIndirect(this.ctx, i, this);
    if (!entered.ok) return entered.error;
    this.indirectTable = { via: descIndex(i), addr: entered.value.addr, len: this.len };
    this.table = entered.value;
    this.i = 0;
    this.read(0);
    return null;
  }

  /** QEMU's virtqueue_split_read_next_desc(): moves to the next descriptor, or sets `ended` at the chain's end. */
  readNextDesc(): VirtioError | null {
    const tracer = this.ctx.tracer;
    tracer.enter('virtqueue_split_read_next_desc');
    try {
      const { table, i } = this;
      if (!(this.flags & VRING_DESC_F_NEXT)) {
        this.ended = true;
        return null;
      }
      const next = this.next;
      // QEMU really issues a write barrier here, to keep the compiler from re-reading `next`.
      tracer.barrier('smp_wmb');
      if (next >= table.max) return descNextOutOfRange(i, next, table.max);
      this.i = next;
      this.read(next);
      return null;
    } finally {
      tracer.leave('virtqueue_split_read_next_desc');
    }
  }
}

/** The checks before following an indirect descriptor, then QEMU's address_space_cache_init() of the table. */
function checkIndirect(ctx: ChainWalkContext, i: number, desc: WalkDescFields): Result<Table, VirtioError> {
  if (ctx.specChecks) {
    if (!ctx.indirectNegotiated) return err(indirectNotNegotiated(i));
    if (desc.flags & VRING_DESC_F_NEXT) return err(indirectWithNext(i));
  }
  if (desc.len === 0 || desc.len % DESC_SIZE !== 0) return err(indirectBadSize(i, desc.len));
  if (!ctx.mem.contains(desc.addr, desc.len))
    return err(cannotMapIndirect(i, BigInt(desc.addr), desc.len, ctx.mem.size));
  return ok({ addr: Number(desc.addr), max: desc.len / DESC_SIZE, indirect: true });
}

/**
 * QEMU's virtqueue_map_desc(): one descriptor's buffer becomes one segment (guest memory is one flat region here,
 * so a buffer never splits). `others` is the segment count of the other direction: both share one iovec array.
 */
function mapDesc(
  ctx: ChainWalkContext,
  sg: IoVec[],
  others: number,
  i: number,
  desc: WalkDescFields,
): VirtioError | null {
  ctx.tracer.enter('virtqueue_map_desc');
  try {
    if (desc.len === 0) return zeroSizedBuffer(i, BigInt(desc.addr));
    if (sg.length + others >= ctx.maxIovecs) return tooManySegments(i, ctx.maxIovecs);
    if (!ctx.mem.contains(desc.addr, desc.len)) return bogusDescriptor(i, BigInt(desc.addr), desc.len, ctx.mem.size);
    sg.push({ addr: Number(desc.addr), len: desc.len });
    return null;
  } finally {
    ctx.tracer.leave('virtqueue_map_desc');
  }
}
