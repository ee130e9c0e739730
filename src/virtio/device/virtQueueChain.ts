import { DESC_SIZE, VRING_DESC_F_INDIRECT, VRING_DESC_F_NEXT, VRING_DESC_F_WRITE } from '../constants';
import type { VirtioError } from '../errors';
import type { GuestMemory } from '../guestMemory';
import type { SplitRing, VringDesc } from '../splitRing';
import { traced, type Tracer } from '../trace';
import { descIndex, err, ok, type Result } from '../types';
import type { IndirectTableRef, IoVec, VirtQueueElement, WalkedDesc } from './virtQueueElement';
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
}

export type WalkedChain = Omit<VirtQueueElement, 'index' | 'ndescs'>;

const TWO_POW_32 = 2 ** 32;

/** The table the walk is in: the ring's descriptor table or one indirect table. */
interface Table {
  addr: number;
  /** QEMU's `max`: entries in this table, so the bound on `next` and on the chain length. */
  max: number;
  indirect: boolean;
}

/**
 * Walks the chain that starts at `head` (already checked to be < num) and maps its buffers, as the descriptor loop
 * of QEMU's virtqueue_split_pop() does. Every step is bounded: at most `max` descriptors per table, at most one
 * indirect table, at most `maxIovecs` segments. All guest memory it reads has been checked to lie inside it.
 */
export function walkSplitChain(ctx: ChainWalkContext, head: number): Result<WalkedChain, VirtioError> {
  const out_sg: IoVec[] = [];
  const in_sg: IoVec[] = [];
  const descs: WalkedChain['descs'] = [];
  const walk: WalkedDesc[] = [];
  let indirectTable: IndirectTableRef | undefined;
  let total = 0;

  const read = (table: Table, i: number): VringDesc => {
    const desc = ctx.ring.readDesc(i, table.addr);
    descs.push(descIndex(i));
    walk.push({ table: table.addr, inIndirectTable: table.indirect, index: descIndex(i), ...desc });
    return desc;
  };

  let table: Table = { addr: ctx.ring.addrs.desc, max: ctx.num, indirect: false };
  let i = head;
  let desc = read(table, i);

  // Follows the descriptor at `i` into its indirect table (QEMU: only ever the head's).
  const enterIndirect = (): VirtioError | null => {
    const entered = checkIndirect(ctx, i, desc);
    if (!entered.ok) return entered.error;
    indirectTable = { via: descIndex(i), addr: entered.value.addr, len: desc.len };
    table = entered.value;
    i = 0;
    desc = read(table, i);
    return null;
  };

  if (desc.flags & VRING_DESC_F_INDIRECT) {
    const failed = enterIndirect();
    if (failed) return err(failed);
  }

  let entries = 0;
  for (;;) {
    if (desc.flags & VRING_DESC_F_INDIRECT && ctx.specChecks) {
      if (table.indirect) return err(indirectNested(i, table.addr));
      // Spec §2.7.5.3.2: a device must accept normal descriptors followed by one indirect one. QEMU does not: it
      // maps the table itself as a data buffer (what specChecks: false reproduces).
      const failed = enterIndirect();
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
    if (++entries > table.max) return err(loopedDescriptor(entries, table.max));

    const next = readNextDesc(ctx, table, i, desc, read);
    if (!next.ok) return next;
    if (next.value === null) break;
    ({ i, desc } = next.value);
  }

  return ok({
    out_sg,
    in_sg,
    indirect: indirectTable !== undefined,
    descs,
    walk,
    ...(indirectTable ? { indirectTable } : {}),
  });
}

/** The checks before following an indirect descriptor, then QEMU's address_space_cache_init() of the table. */
function checkIndirect(ctx: ChainWalkContext, i: number, desc: VringDesc): Result<Table, VirtioError> {
  if (ctx.specChecks) {
    if (!ctx.indirectNegotiated) return err(indirectNotNegotiated(i));
    if (desc.flags & VRING_DESC_F_NEXT) return err(indirectWithNext(i));
  }
  if (desc.len === 0 || desc.len % DESC_SIZE !== 0) return err(indirectBadSize(i, desc.len));
  if (!ctx.mem.contains(desc.addr, desc.len)) return err(cannotMapIndirect(i, desc.addr, desc.len, ctx.mem.size));
  return ok({ addr: Number(desc.addr), max: desc.len / DESC_SIZE, indirect: true });
}

/**
 * QEMU's virtqueue_map_desc(): one descriptor's buffer becomes one segment (guest memory is one flat region here,
 * so a buffer never splits). `others` is the segment count of the other direction: both share one iovec array.
 */
function mapDesc(ctx: ChainWalkContext, sg: IoVec[], others: number, i: number, desc: VringDesc): VirtioError | null {
  return traced(ctx.tracer, 'virtqueue_map_desc', () => {
    if (desc.len === 0) return zeroSizedBuffer(i, desc.addr);
    if (sg.length + others >= ctx.maxIovecs) return tooManySegments(i, ctx.maxIovecs);
    if (!ctx.mem.contains(desc.addr, desc.len)) return bogusDescriptor(i, desc.addr, desc.len, ctx.mem.size);
    sg.push({ addr: Number(desc.addr), len: desc.len });
    return null;
  });
}

/** QEMU's virtqueue_split_read_next_desc(): the next descriptor and its index, or null at the end of the chain. */
function readNextDesc(
  ctx: ChainWalkContext,
  table: Table,
  i: number,
  desc: VringDesc,
  read: (table: Table, i: number) => VringDesc,
): Result<{ i: number; desc: VringDesc } | null, VirtioError> {
  return traced(ctx.tracer, 'virtqueue_split_read_next_desc', () => {
    if (!(desc.flags & VRING_DESC_F_NEXT)) return ok(null);
    const next = desc.next;
    // QEMU really issues a write barrier here, to keep the compiler from re-reading `next`.
    ctx.tracer.barrier('smp_wmb');
    if (next >= table.max) return err(descNextOutOfRange(i, next, table.max));
    return ok({ i: next, desc: read(table, next) });
  });
}
