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
  /** The descriptor the walk is on, overwritten at each step: one record per queue (a walk never nests). */
  desc: WalkDescFields;
}

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
 *
 * The walk keeps its place in locals and reads each descriptor into the queue's one record (`ctx.desc`): a pop
 * allocates only what the element keeps. Trace frames are plain enter/leave pairs (see VirtQueue's hot paths).
 */
export function walkSplitChain(ctx: ChainWalkContext, head: number): Result<VirtQueueElement, VirtioError> {
  const { ring, tracer, specChecks } = ctx;
  const desc = ctx.desc;
  // Made at their first segment, as one-element literals (an array grown from [] by push reserves room for 17).
  let out_sg: IoVec[] | null = null;
  let in_sg: IoVec[] | null = null;
  let table = ctx.ringTable;
  let i = head;
  let indirectTable: IndirectTableRef | undefined;
  ring.readDescInto(head, table.addr, desc);
  // A one-element literal: most chains are short, and an array grown from [] by push reserves room for 17.
  const descs: DescIndex[] = [descIndex(head)];

  let total = 0;
  let entries = 0;
  // QEMU follows an indirect head; a later indirect descriptor only with specChecks (spec §2.7.5.3.2: a device
  // must accept normal descriptors followed by one indirect one; QEMU maps the table itself as a data buffer).
  let atHead = true;
  for (;;) {
    if (desc.flags & VRING_DESC_F_INDIRECT && (atHead || specChecks)) {
      if (table.indirect) return err(indirectNested(i, table.addr));
      const entered = checkIndirect(ctx, i, desc);
      if (!entered.ok) return entered;
      indirectTable = { via: descIndex(i), addr: entered.value.addr, len: desc.len };
      table = entered.value;
      i = 0;
      ring.readDescInto(0, table.addr, desc);
      descs.push(descIndex(0));
      entries = 0;
      atHead = false;
      continue;
    }
    atHead = false;

    const outs = out_sg === null ? 0 : out_sg.length;
    const ins = in_sg === null ? 0 : in_sg.length;
    const writable = (desc.flags & VRING_DESC_F_WRITE) !== 0;
    if (!writable && ins > 0) return err(incorrectOrder(i));
    const mapped = mapDesc(ctx, outs + ins, i, desc);
    if (mapped) return err(mapped);
    // mapDesc checked that the address is a number inside guest memory.
    const seg: IoVec = { addr: desc.addr as number, len: desc.len };
    if (writable) {
      if (in_sg === null) in_sg = [seg];
      else in_sg.push(seg);
    } else if (out_sg === null) out_sg = [seg];
    else out_sg.push(seg);
    total += desc.len;
    if (specChecks && total > TWO_POW_32) return err(chainTooManyBytes(total));

    // More entries than the table holds can only mean a loop.
    if (++entries > table.max) return err(loopedDescriptor(entries, table.max));

    // QEMU's virtqueue_split_read_next_desc(): the chain ends, or moves to `next`.
    tracer.enter('virtqueue_split_read_next_desc');
    if (!(desc.flags & VRING_DESC_F_NEXT)) {
      tracer.leave('virtqueue_split_read_next_desc');
      break;
    }
    const next = desc.next;
    // QEMU really issues a write barrier here, to keep the compiler from re-reading `next`.
    tracer.barrier('smp_wmb');
    if (next >= table.max) {
      tracer.leave('virtqueue_split_read_next_desc');
      return err(descNextOutOfRange(i, next, table.max));
    }
    i = next;
    ring.readDescInto(next, table.addr, desc);
    descs.push(descIndex(next));
    tracer.leave('virtqueue_split_read_next_desc');
  }

  // The element itself (QEMU's virtqueue_alloc_element), built field by field: no spread, no intermediate object.
  // `indirectTable` is present only when there was one, after the other keys, as element JSON has always had it.
  const elem: VirtQueueElement = {
    index: descIndex(head),
    ndescs: 1,
    out_sg: out_sg ?? [],
    in_sg: in_sg ?? [],
    indirect: indirectTable !== undefined,
    descs,
  };
  if (indirectTable) elem.indirectTable = indirectTable;
  return ok(elem);
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
 * QEMU's virtqueue_map_desc(): the checks before one descriptor's buffer becomes one segment (guest memory is one
 * flat region here, so a buffer never splits). `segments` is how many the element has so far, in both directions.
 */
function mapDesc(ctx: ChainWalkContext, segments: number, i: number, desc: WalkDescFields): VirtioError | null {
  ctx.tracer.enter('virtqueue_map_desc');
  const failed = mapDescCheck(ctx, segments, i, desc);
  ctx.tracer.leave('virtqueue_map_desc');
  return failed;
}

function mapDescCheck(ctx: ChainWalkContext, segments: number, i: number, desc: WalkDescFields): VirtioError | null {
  const { addr, len } = desc;
  if (len === 0) return zeroSizedBuffer(i, BigInt(addr));
  if (segments >= ctx.maxIovecs) return tooManySegments(i, ctx.maxIovecs);
  // A number address is a whole number below 2^53 (readDescInto) and len a u32, so the common case needs only the
  // end check; a bigint (beyond 2^53) is outside guest memory by construction.
  if (typeof addr !== 'number' || addr + len > ctx.mem.size) {
    return bogusDescriptor(i, BigInt(addr), len, ctx.mem.size);
  }
  return null;
}
