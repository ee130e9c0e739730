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

const BARRIER_WHY: Record<string, string> = {
  virtio_wmb: 'write barrier: the descriptors and ring entry become visible before the index that publishes them',
  virtio_rmb: 'read barrier: read used.idx before the used element it covers',
  virtio_mb: 'full barrier: publish the index before reading whether the other side wants a notification',
  virtio_store_mb: 'store then full barrier: used_event is visible before the ring is checked again',
  smp_rmb: 'read barrier: read avail.idx before the ring entries it covers',
  smp_wmb: 'write barrier: the used element is visible before used.idx moves',
  smp_mb: 'full barrier: publish before deciding whether to notify',
};

/** The same barrier kind serves different purposes in different functions; these say which. */
const BARRIER_WHY_IN: Record<string, string> = {
  // QEMU: virtqueue_split_read_next_desc() issues smp_wmb() only so the compiler reads desc.next once.
  'virtqueue_split_read_next_desc:smp_wmb':
    'write barrier (QEMU uses it as a compiler barrier): desc.next is read once, so a guest changing it now cannot make the device follow two different chains',
  // QEMU: virtio_queue_split_set_notification() exposes avail_event / the flag before the caller re-reads avail.idx.
  'virtio_queue_split_set_notification:smp_mb':
    'full barrier: the re-enabled notification (avail_event or the cleared NO_NOTIFY) is visible before avail.idx is read again, so no kick is lost',
  // Linux: virtqueue_poll() orders the used_event / flags store before the used.idx load.
  'virtqueue_poll:virtio_mb':
    'full barrier: the re-enabled interrupt (used_event or the cleared NO_INTERRUPT) is visible before used.idx is read again, so no interrupt is lost',
};

/** One sentence describing a captured store or barrier, from where it landed in the memory map. */
export function explainItem(
  item: Exclude<CapturedItem, { kind: 'event' }>,
  alloc: AllocationMap,
  queueSizes: readonly number[],
): string {
  if (item.kind === 'barrier') {
    const why = BARRIER_WHY_IN[`${item.fn}:${item.barrier}`] ?? BARRIER_WHY[item.barrier] ?? 'memory barrier';
    return `${item.barrier}: ${why}`;
  }
  const region = alloc.regionAt(item.addr);
  const value = le(item.new);
  if (!region) return `writes ${item.new.length / 2} byte(s) at 0x${item.addr.toString(16)}`;
  const off = item.addr - region.start;
  const q = region.queue ?? 0;
  const size = queueSizes[q] ?? 0;
  const vq = `vq${q}`;
  switch (region.kind) {
    case 'desc-table':
    case 'indirect-table': {
      const i = Math.floor(off / DESC_SIZE);
      const field = off % DESC_SIZE;
      const where =
        region.kind === 'desc-table' ? `${vq} descriptor ${i}` : `indirect table entry ${i} (${region.label})`;
      if (field === DESC_ADDR) return `${where}: addr = 0x${value.toString(16)}`;
      if (field === DESC_LEN) return `${where}: len = ${value}`;
      if (field === DESC_FLAGS) return `${where}: flags = ${descFlagNames(value)}`;
      if (field === DESC_NEXT) return `${where}: next = ${value}`;
      return `${where}: ${item.new.length / 2} byte(s) written`;
    }
    case 'avail-ring':
      if (off === AVAIL_FLAGS) return `${vq} avail.flags = ${value}${value & 1 ? ' (NO_INTERRUPT)' : ''}`;
      if (off === AVAIL_IDX)
        return `${vq} avail.idx = ${value}: the driver publishes its entries (slot ${value % Math.max(size, 1)} is next)`;
      if (off === usedEventOffset(size))
        return `${vq} used_event = ${value}: interrupt me once used.idx passes ${value}`;
      return `${vq} avail.ring[${(off - 4) / 2}] = ${value}: head of the chain`;
    case 'used-ring':
      if (off === USED_FLAGS) return `${vq} used.flags = ${value}${value & 1 ? ' (NO_NOTIFY)' : ''}`;
      if (off === USED_IDX) return `${vq} used.idx = ${value}: the device publishes its used elements`;
      if (off === availEventOffset(size)) return `${vq} avail_event = ${value}: kick me once avail.idx passes ${value}`;
      {
        const slot = Math.floor((off - 4) / 8);
        return (off - 4) % 8 === 0
          ? `${vq} used.ring[${slot}].id = ${value}`
          : `${vq} used.ring[${slot}].len = ${value}`;
      }
    case 'blk-header':
      return `${region.label}: virtio_blk_outhdr written (type, ioprio, sector)`;
    case 'data-buffer':
      return `${region.label}: ${item.new.length / 2} data byte(s) written`;
    case 'status-byte':
      return `${region.label}: status = ${value} (${value === 0 ? 'OK' : value === 1 ? 'IOERR' : value === 2 ? 'UNSUPP' : '?'})`;
    default:
      return `${region.label}: ${item.new.length / 2} byte(s) written`;
  }
}
