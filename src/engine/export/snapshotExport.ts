import { VIRTIO_PCI_VRING_ALIGN } from '../../virtio/constants';
import { availRingBytes, descTableBytes, usedRingBytes } from '../../virtio/layout';
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
 * A simulated queue in the shape of a real VM's snapshot: `<prefix>_qmp.json` (a bare QMP answer,
 * `{"return": {...}}`) and the three areas as pmemsave would save them, `<prefix>_{desc,avail,used}.bin`, read
 * from guest memory at the device's ring addresses. Unlike a live VM's, the four are taken at one instant.
 */
export function exportRingSnapshot(queue: QueueView, read: ReadGuest, prefix: string): ExportResult {
  const status = qmpQueueStatus(queue);
  if (!status) return { ok: false, message: `queue ${queue.index} is not set up on the device yet: nothing to export` };
  const num = status['vring-num'];
  const json = JSON.stringify({ return: status }, null, 1) + '\n';
  return {
    ok: true,
    files: [
      { name: `${prefix}_qmp.json`, bytes: new TextEncoder().encode(json) },
      { name: `${prefix}_desc.bin`, bytes: read(status['vring-desc'], descTableBytes(num)) },
      { name: `${prefix}_avail.bin`, bytes: read(status['vring-avail'], availRingBytes(num)) },
      { name: `${prefix}_used.bin`, bytes: read(status['vring-used'], usedRingBytes(num)) },
    ],
  };
}
