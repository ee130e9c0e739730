import { DESC_SIZE, VIRTIO_PCI_VRING_ALIGN, VRING_DESC_F_INDIRECT } from '../../virtio/constants';
import { availRingBytes, descTableBytes, usedRingBytes } from '../../virtio/layout';
import { u16Add, u16Sub } from '../../virtio/types';
import type { QueueView } from '../view';

/** One exported file (the same shape the importers take). */
export interface ExportedFile {
  name: string;
  bytes: Uint8Array;
}

/** QEMU's `VirtQueueStatus` as `x-query-virtio-queue-status` returns it, field names exactly as in QMP. */
export interface QmpVirtQueueStatus {
  name: string;
  'queue-index': number;
  inuse: number;
  'vring-num': number;
  'vring-num-default': number;
  'vring-align': number;
  'vring-desc': number;
  'vring-avail': number;
  'vring-used': number;
  'last-avail-idx': number;
  'shadow-avail-idx': number;
  'used-idx': number;
  'signalled-used': number;
  'signalled-used-valid': boolean;
}

export type ExportResult = { ok: true; files: ExportedFile[] } | { ok: false; message: string };

/** Reads `len` bytes of guest memory at `addr` (a MemoryImage's slice, or a GuestMemory window). */
export type ReadGuest = (addr: number, len: number) => Uint8Array;

/**
 * The simulated device's VirtQueue in QMP form (hw/virtio/virtio.c: qmp_x_query_virtio_queue_status). The
 * simulation does not model `vring.num_default` or `vring.align`: they are given QEMU's values for a
 * virtio-pci queue that kept its size (num_default = num, align = VIRTIO_PCI_VRING_ALIGN).
 */
export function qmpQueueStatus(queue: QueueView, name = 'virtio-blk'): QmpVirtQueueStatus | null {
  const v = queue.device;
  if (!v) return null;
  return {
    name,
    'queue-index': v.queue_index,
    inuse: v.inuse,
    'vring-num': v.vring.num,
    'vring-num-default': v.vring.num,
    'vring-align': VIRTIO_PCI_VRING_ALIGN,
    'vring-desc': v.vring.desc,
    'vring-avail': v.vring.avail,
    'vring-used': v.vring.used,
    'last-avail-idx': v.last_avail_idx,
    'shadow-avail-idx': v.shadow_avail_idx,
    'used-idx': v.used_idx,
    'signalled-used': v.signalled_used,
    'signalled-used-valid': v.signalled_used_valid,
  };
}

/** `sim_vq0_step123`: the default file prefix of an export. */
export const exportPrefix = (queue: QueueView, step: number): string => `sim_vq${queue.index}_step${step}`;

/**
 * `<prefix>_ind_0x3f1c000.bin`: a further dump named by the guest-physical address it was saved from, as
 * `pmemsave 0x3f1c000 48 ind_0x3f1c000.bin` names it and the snapshot importer reads it (its `dumpAddrByName`: the
 * first `0x…` in the name; the prefix must hold no `0x` and none of the words desc/avail/used, as exportPrefix's).
 */
export const indirectDumpName = (prefix: string, addr: number): string => `${prefix}_ind_0x${addr.toString(16)}.bin`;

/** An outstanding chain's indirect table: where the head descriptor says it is, and its length in bytes. */
export interface IndirectTableRef {
  /** The ring descriptor (a chain's head) that points at the table. */
  head: number;
  addr: number;
  len: number;
}

/**
 * The indirect tables of the chains a snapshot shows as outstanding (the heads in the avail ring from `used.idx` up
 * to `avail.idx`, as the importer lists them), read from the view's decoded memory: one per address, the longest
 * when two heads share one (a guest bug). Left out: a head without INDIRECT (QEMU follows it on the head only), a
 * table of no whole entry (nothing to read), an address past 2^53 (no name can hold it) or one at a ring area's
 * address (that file already holds the bytes there, and a second file for one address would be ambiguous).
 */
export function outstandingIndirectTables(queue: QueueView): IndirectTableRef[] {
  const { size, avail, used, desc, addrs } = queue;
  const areas = new Set([addrs.desc, addrs.avail, addrs.used]);
  const byAddr = new Map<number, IndirectTableRef>();
  const count = Math.min(u16Sub(avail.idx, used.idx), size);
  for (let k = 0; k < count; k++) {
    const head = avail.ring[u16Add(used.idx, k) % size]!;
    const d = desc[head];
    if (!d || !(d.flags & VRING_DESC_F_INDIRECT) || d.len < DESC_SIZE) continue;
    if (d.addr > BigInt(Number.MAX_SAFE_INTEGER)) continue;
    const addr = Number(d.addr);
    if (areas.has(addr)) continue;
    const seen = byAddr.get(addr);
    if (!seen || seen.len < d.len) byAddr.set(addr, { head, addr, len: d.len });
  }
  return [...byAddr.values()];
}

/** Reads `len` bytes at `addr`, or null when guest memory does not hold all of them (the reader throws or stops short). */
function readWhole(read: ReadGuest, addr: number, len: number): Uint8Array | null {
  try {
    const bytes = read(addr, len);
    return bytes.length === len ? bytes : null;
  } catch {
    return null;
  }
}

/**
 * A simulated queue in the shape of a real VM's snapshot: `<prefix>_qmp.json` (a bare QMP answer,
 * `{"return": {...}}`) and the three areas as pmemsave would save them, `<prefix>_{desc,avail,used}.bin`, read
 * from guest memory at the device's ring addresses; then, for each outstanding chain whose head is INDIRECT, its
 * table as `pmemsave ADDR LEN` would save it (`len` bytes from the descriptor's `addr`, see indirectDumpName), so
 * the importer shows the table's entries. A table guest memory does not hold (only a faulty guest can point there)
 * gets no file: the importer then says it was not captured, as the simulation's view says it is unreadable.
 * Unlike a live VM's, the files are taken at one instant.
 */
export function exportRingSnapshot(queue: QueueView, read: ReadGuest, prefix: string): ExportResult {
  const status = qmpQueueStatus(queue);
  if (!status) return { ok: false, message: `queue ${queue.index} is not set up on the device yet: nothing to export` };
  const num = status['vring-num'];
  const json = JSON.stringify({ return: status }, null, 1) + '\n';
  const tables: ExportedFile[] = [];
  for (const t of outstandingIndirectTables(queue)) {
    const bytes = readWhole(read, t.addr, t.len);
    if (bytes) tables.push({ name: indirectDumpName(prefix, t.addr), bytes });
  }
  return {
    ok: true,
    files: [
      { name: `${prefix}_qmp.json`, bytes: new TextEncoder().encode(json) },
      { name: `${prefix}_desc.bin`, bytes: read(status['vring-desc'], descTableBytes(num)) },
      { name: `${prefix}_avail.bin`, bytes: read(status['vring-avail'], availRingBytes(num)) },
      { name: `${prefix}_used.bin`, bytes: read(status['vring-used'], usedRingBytes(num)) },
      ...tables,
    ],
  };
}
