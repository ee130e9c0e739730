import type { AllocationMap } from '../../virtio/allocationMap';
import { DESC_SIZE } from '../../virtio/constants';
import {
  AVAIL_FLAGS,
  AVAIL_IDX,
  DESC_ADDR,
  DESC_FLAGS,
  DESC_LEN,
  DESC_NEXT,
  USED_FLAGS,
  USED_IDX,
  availEventOffset,
  usedEventOffset,
} from '../../virtio/layout';
import type { BarrierKind } from '../../virtio/trace';
import { message, namingRegion, type StepMessage, type StepMessageKey } from '../messages';
import { fromHex } from '../step';
import type { CapturedItem } from './capture';

const le = (hex: string): number => {
  const b = fromHex(hex);
  let v = 0;
  for (let i = Math.min(b.length, 6) - 1; i >= 0; i--) v = v * 256 + b[i]!;
  return v;
};

export const descFlagNames = (flags: number): string => {
  const names = [flags & 1 ? 'NEXT' : '', flags & 2 ? 'WRITE' : '', flags & 4 ? 'INDIRECT' : ''].filter(Boolean);
  return names.length > 0 ? names.join('|') : '0';
};

type BarrierKey = Extract<StepMessageKey, `barrier.${string}`>;

/** Which sentence a barrier gets: the same kind serves different purposes in different functions. */
const BARRIER_KEY: Record<BarrierKind, BarrierKey> = {
  virtio_wmb: 'barrier.virtio_wmb',
  virtio_rmb: 'barrier.virtio_rmb',
  virtio_mb: 'barrier.virtio_mb',
  virtio_store_mb: 'barrier.virtio_store_mb',
  smp_rmb: 'barrier.smp_rmb',
  smp_wmb: 'barrier.smp_wmb',
  smp_mb: 'barrier.smp_mb',
};

const BARRIER_KEY_IN: Record<string, BarrierKey> = {
  // QEMU: virtqueue_split_read_next_desc() issues smp_wmb() only so the compiler reads desc.next once.
  'virtqueue_split_read_next_desc:smp_wmb': 'barrier.readNextDesc',
  // QEMU: virtio_queue_split_set_notification() exposes avail_event / the flag before the caller re-reads avail.idx.
  'virtio_queue_split_set_notification:smp_mb': 'barrier.setNotification',
  // Linux: virtqueue_poll() orders the used_event / flags store before the used.idx load.
  'virtqueue_poll:virtio_mb': 'barrier.pollEnableCb',
};

const hexAddr = (v: number): string => `0x${v.toString(16)}`;

const blkStatusName = (v: number): string => (v === 0 ? 'OK' : v === 1 ? 'IOERR' : v === 2 ? 'UNSUPP' : '?');

/** The sentence for a captured store or barrier, from where it landed in the memory map. */
export function describeItem(
  item: Exclude<CapturedItem, { kind: 'event' }>,
  alloc: AllocationMap,
  queueSizes: readonly number[],
): StepMessage {
  if (item.kind === 'barrier')
    return message(BARRIER_KEY_IN[`${item.fn}:${item.barrier}`] ?? BARRIER_KEY[item.barrier]);
  const region = alloc.regionAt(item.addr);
  const value = le(item.new);
  const bytes = item.new.length / 2;
  if (!region) return message('write.raw', { bytes, addr: hexAddr(item.addr) });
  const off = item.addr - region.start;
  const q = region.queue ?? 0;
  const size = queueSizes[q] ?? 0;
  const label = region.label;
  // The region's parts go with a sentence that names it by label, so the UI can name it in its own language.
  const named = (m: StepMessage, param: 'label' | 'table' = 'label'): StepMessage => namingRegion(m, param, region);
  switch (region.kind) {
    case 'desc-table': {
      const i = Math.floor(off / DESC_SIZE);
      const field = off % DESC_SIZE;
      if (field === DESC_ADDR) return message('desc.addr', { q, i, value: hexAddr(value) });
      if (field === DESC_LEN) return message('desc.len', { q, i, value });
      if (field === DESC_FLAGS) return message('desc.flags', { q, i, value: descFlagNames(value) });
      if (field === DESC_NEXT) return message('desc.next', { q, i, value });
      return message('desc.bytes', { q, i, bytes });
    }
    case 'indirect-table': {
      const i = Math.floor(off / DESC_SIZE);
      const field = off % DESC_SIZE;
      const entry = (m: StepMessage): StepMessage => named(m, 'table');
      if (field === DESC_ADDR) return entry(message('indirect.addr', { i, table: label, value: hexAddr(value) }));
      if (field === DESC_LEN) return entry(message('indirect.len', { i, table: label, value }));
      if (field === DESC_FLAGS)
        return entry(message('indirect.flags', { i, table: label, value: descFlagNames(value) }));
      if (field === DESC_NEXT) return entry(message('indirect.next', { i, table: label, value }));
      return entry(message('indirect.bytes', { i, table: label, bytes }));
    }
    case 'avail-ring':
      if (off === AVAIL_FLAGS) return message(value & 1 ? 'avail.flagsNoInterrupt' : 'avail.flags', { q, value });
      if (off === AVAIL_IDX) return message('avail.idx', { q, value, slot: value % Math.max(size, 1) });
      if (off === usedEventOffset(size)) return message('avail.usedEvent', { q, value });
      return message('avail.ring', { q, slot: (off - 4) / 2, value });
    case 'used-ring':
      if (off === USED_FLAGS) return message(value & 1 ? 'used.flagsNoNotify' : 'used.flags', { q, value });
      if (off === USED_IDX) return message('used.idx', { q, value });
      if (off === availEventOffset(size)) return message('used.availEvent', { q, value });
      {
        const slot = Math.floor((off - 4) / 8);
        return message((off - 4) % 8 === 0 ? 'used.ringId' : 'used.ringLen', { q, slot, value });
      }
    case 'blk-header':
      return named(message('blk.outhdr', { label }));
    case 'data-buffer':
      return named(message('blk.data', { label, bytes }));
    case 'status-byte':
      return named(message('blk.status', { label, value, name: blkStatusName(value) }));
    default:
      return named(message('region.bytes', { label, bytes }));
  }
}
